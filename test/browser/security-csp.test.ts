/**
 * Messages are text, never markup: XSS payloads render as the text they are, everywhere the
 * giftee sees them. And the built bundle works on a host page with a strict
 * Content-Security-Policy (csp-page.html, served with the policy by relay-plugin.ts).
 */
import { expect } from '@open-wc/testing';
import {
  chatFor,
  cleanup,
  connected,
  createGroup,
  messageElements,
  openMatch,
  relayInfo,
  reportOfWindow,
  send,
  shadow,
  sleep,
  until,
  untilMessages,
} from './harness.js';

declare global {
  interface Window {
    __xss?: unknown;
  }
}

const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '<svg onload=window.__xss=1><circle r=4 /></svg>',
  'click javascript:window.__xss=1 now',
  '[x](javascript:window.__xss=1) and ![y](x" onerror="window.__xss=1)',
  '<a href="javascript:window.__xss=1">gift</a> <iframe src="javascript:window.__xss=1"></iframe>',
  'https://example.com/"><img src=x onerror=window.__xss=1>',
  // Bidi overrides and isolates: "txt.exe" shown reversed, an unterminated RLO.
  'invoice\u202Eexe.txt\u202C and \u2067\u05E9\u05DC\u05D5\u05DD\u2069 then \u202Eunterminated',
  '{{constructor.constructor("window.__xss=1")()}} ${window.__xss=1} &lt;b&gt;&amp;',
];

interface CspReport {
  source: 'santa-chat-csp';
  violations: Array<{ directive: string; blockedURI: string; sample: string }>;
  error?: string;
  control?: boolean;
  evaluated?: boolean;
  connected?: boolean;
  sent?: boolean;
  styled?: boolean;
  bubbles?: string[];
  chunks?: string[];
}

/**
 * Opens csp-page.html with `query` as a top-level window and resolves with what it reports.
 * Top level: WebKit reports no violation of a same-origin iframe's policy to the iframe.
 */
function runCspPage(query: Record<string, string>, timeoutMs = 12000): Promise<CspReport> {
  return reportOfWindow<CspReport>('/test/browser/csp-page.html', 'santa-chat-csp', query, timeoutMs);
}

describe('security', () => {
  afterEach(cleanup);
  afterEach(() => {
    delete window.__xss;
  });

  it('renders XSS payloads as text in the thread, the list and the preview', async function () {
    this.timeout(25000);
    const { groupId, santa, giftee } = await createGroup();
    const santaChat = await chatFor(santa.id, { mode: 'inline' });
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    const gifteeLauncher = await chatFor(giftee.id);
    await connected(santaChat, gifteeChat, gifteeLauncher);
    await openMatch(santaChat, groupId);
    await openMatch(gifteeChat, groupId, 'santa');

    for (const payload of PAYLOADS) await send(santaChat, payload);
    await untilMessages(gifteeChat, PAYLOADS.length, 10000);
    await sleep(300);

    expect(window.__xss, 'no payload ran').to.equal(undefined);
    const messages = messageElements(gifteeChat);
    expect(messages.map((message) => message.querySelector('.bubble')!.textContent)).to.deep.equal(PAYLOADS);
    for (const [index, message] of messages.entries()) {
      const bubble = message.querySelector('.bubble')!;
      expect(bubble.querySelectorAll('*:not(a)').length, `no elements but links in bubble ${index}`).to.equal(0);
      for (const link of bubble.querySelectorAll('a')) {
        expect(link.protocol, `link in bubble ${index}`).to.match(/^https?:$/);
        expect([...link.attributes].map((attribute) => attribute.name).sort()).to.deep.equal(['href', 'rel', 'target']);
      }
    }
    const log = shadow(gifteeChat).querySelector('.log')!;
    expect(log.querySelectorAll('img, script, svg, iframe, object, embed, [onerror], [onload]').length).to.equal(0);
    const links = [...log.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).to.deep.equal(['https://example.com/']);
    // The sender's own copy is text too.
    expect(shadow(santaChat).querySelector('.log')!.querySelectorAll('img, script, svg, iframe').length).to.equal(0);

    // The conversation list shows the last message, the launcher a preview: text as well.
    await santaChat.updateComplete;
    gifteeLauncher.show();
    await gifteeLauncher.updateComplete;
    const last = shadow(gifteeLauncher).querySelector('.list [data-conversation-id] .last')!;
    expect(last.textContent).to.equal(PAYLOADS.at(-1));
    gifteeLauncher.close();
    await gifteeLauncher.updateComplete;
    await send(santaChat, PAYLOADS[0]!);
    await until(() => shadow(gifteeLauncher).querySelector('.preview') !== null, 'preview shown');
    const preview = shadow(gifteeLauncher).querySelector('.preview')!;
    expect(preview.textContent).to.include(PAYLOADS[0]);
    expect(preview.querySelectorAll('img, script, svg').length).to.equal(0);
    await sleep(200);
    expect(window.__xss).to.equal(undefined);
  });

  it('serves the CSP page with the strict policy', async () => {
    const { url } = await relayInfo();
    const response = await fetch('/test/browser/csp-page.html');
    expect(response.ok).to.equal(true);
    expect(response.headers.get('content-security-policy')).to.equal(
      `default-src 'self'; connect-src 'self' ${url} ${url.replace(/^http/, 'ws')}`,
    );
    const bundle = await fetch('/widget/dist/santa-chat.js', { method: 'HEAD' });
    expect(bundle.ok, 'widget/dist/santa-chat.js is built (npm run build, or npx rollup -c)').to.equal(true);
  });

  it('sees violations on the CSP page (control: eval is refused and reported)', async () => {
    const report = await runCspPage({ control: '1' });
    expect(report.evaluated).to.equal(false);
    expect(report.violations.map((violation) => violation.directive)).to.include('script-src');
  });

  it('the built bundle connects and sends under the strict policy with 0 violations', async function () {
    this.timeout(25000);
    const { groupId, santa, giftee } = await createGroup();
    const gifteeChat = await chatFor(giftee.id, { mode: 'inline' });
    await connected(gifteeChat);
    await openMatch(gifteeChat, groupId, 'santa');
    const text = 'Sent from a page with a strict CSP 🎅';
    const report = await runCspPage({ user: santa.id, group: groupId, text }, 20000);
    expect(report.error, `${report.error}; violations: ${JSON.stringify(report.violations)}`).to.equal(undefined);
    expect(report.violations).to.deep.equal([]);
    expect(report.connected).to.equal(true);
    expect(report.sent).to.equal(true);
    expect(report.styled, 'the styles apply (adopted style sheets)').to.equal(true);
    expect(report.bubbles).to.deep.equal([text]);
    expect(report.chunks?.some((path) => /^\/widget\/dist\/chunks\/panel-[\w-]+\.js$/.test(path)), `the panel chunk loaded: ${report.chunks}`).to.equal(true);
    expect(await untilMessages(gifteeChat, 1)).to.deep.equal([text]);
  });
});
