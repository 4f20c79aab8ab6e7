/**
 * XSS payloads (xss-payloads.ts: the OWASP filter-evasion examples and what Lit, markdown,
 * templates, bidi and very long strings add) sent through the widget in Chromium, on a page
 * under a strict CSP (no unsafe-inline, no unsafe-eval): xss-page.html runs a whole group of
 * widgets and reports here. 0 payloads run, 0 violations, every accepted payload shows as its
 * text after the content rule (to the sender, the receiver, in the list and the preview), and
 * every payload or contract vector the rule refuses gets the documented code in the composer,
 * the client API and the relay, and is never stored.
 *
 * Positive controls: parsed as HTML without a CSP, the `runsAsHtml` payloads do call the
 * canary; and on the CSP page an HTML injection is refused and reported to the listener.
 */
import { expect } from '@open-wc/testing';
import { checkContent, LIMITS } from '../../protocol/browser.js';
import { DEFAULT_STRINGS, format } from '../../widget/src/i18n/strings.js';
import { CycleExchange } from '../helpers/exchange.js';
import { putGroup, reportOfPage, sleep } from './harness.js';
import type { XssReport } from './xss-page.js';
import { XSS_PAYLOADS } from './xss-payloads.js';

const accepted = XSS_PAYLOADS.filter((payload) => payload.refused === undefined);
/** Senders in the page: each sends at most 9, under the relay's 10 messages per 10 s. */
const SENDERS = Math.ceil(accepted.length / 9);

function normalized(text: string): string {
  const checked = checkContent(text);
  if (!checked.ok) throw new Error(`refused: ${text}`);
  return checked.content;
}

const byName = new Map(XSS_PAYLOADS.map((payload) => [payload.name, payload]));
const contentOf = (name: string): string => normalized(byName.get(name)!.text);

describe('XSS payloads under a strict CSP', () => {
  it('the payloads are live: parsed as HTML with no CSP, the runsAsHtml ones call the canary', async () => {
    const sandbox = document.createElement('iframe');
    sandbox.srcdoc = '<!doctype html><body></body>';
    document.body.append(sandbox);
    try {
      await new Promise((resolve) => sandbox.addEventListener('load', resolve, { once: true }));
      const calls: string[] = [];
      (sandbox.contentWindow as unknown as { __xss: (name: unknown) => void }).__xss = (name) => void calls.push(String(name));
      for (const payload of XSS_PAYLOADS.filter((candidate) => candidate.runsAsHtml)) {
        const holder = sandbox.contentDocument!.createElement('div');
        holder.innerHTML = payload.text;
        sandbox.contentDocument!.body.append(holder);
      }
      await sleep(300);
      const live = XSS_PAYLOADS.filter((payload) => payload.runsAsHtml).length;
      expect(live).to.be.greaterThan(4);
      expect(new Set(calls).size, `canary calls: ${JSON.stringify(calls)}`).to.equal(live);
    } finally {
      sandbox.remove();
    }
  });

  describe('sent through the widget (xss-page.html)', () => {
    let report: XssReport;

    before(async function () {
      this.timeout(40000);
      const exchange = new CycleExchange(SENDERS);
      const response = await putGroup(exchange.groupId, exchange.body(new Date(Date.now() + 24 * 3600_000)));
      expect(response.status).to.equal(201);
      const members = exchange.members.map((member) => member.id).join(',');
      report = await reportOfPage<XssReport>('/test/browser/xss-page.html', 'santa-chat-xss', { group: exchange.groupId, members }, 38000);
      expect(report.error, report.error).to.equal(undefined);
    });

    it(`runs none of the ${XSS_PAYLOADS.length} payloads and breaks no rule of the policy (control: an injection is seen)`, () => {
      expect(report.executed, 'payloads that ran').to.deep.equal([]);
      expect(report.violations, 'CSP violations').to.deep.equal([]);
      expect(report.control.executed).to.deep.equal([]);
      expect(report.control.violations.map((violation) => violation.directive)).to.include('script-src-attr');
    });

    it('shows every accepted payload as its text, after the content rule, to the sender and the receiver', () => {
      expect(report.shares.flat().sort()).to.deep.equal(accepted.map((payload) => payload.name).sort());
      expect(report.disabledSends, 'payloads the composer would not send').to.deep.equal([]);
      report.shares.forEach((share, sender) => {
        const expected = share.map(contentOf);
        expect(report.ownBubbles[sender], `sender ${sender}'s own thread`).to.deep.equal(expected);
        expect(report.receivedBubbles[(sender + 1) % SENDERS], `the thread of sender ${sender}'s giftee`).to.deep.equal(expected);
      });
      // Not vacuous: the rule changed some payloads (trimmed ends), and the comparison saw it.
      expect(accepted.some((payload) => normalized(payload.text) !== payload.text)).to.equal(true);
    });

    it('shows them as text in the conversation list and the launcher preview too', () => {
      report.listLast.forEach((lasts, member) => {
        const sent = report.shares[member]!.at(-1)!;
        const received = report.shares[(member + SENDERS - 1) % SENDERS]!.at(-1)!;
        expect([...lasts].sort(), `member ${member}'s list`).to.deep.equal([contentOf(sent), contentOf(received)].sort());
      });
      const last = contentOf(report.shares.at(-1)!.at(-1)!);
      expect(report.preview).to.deep.equal({ name: DEFAULT_STRINGS.yourSanta, text: `${DEFAULT_STRINGS.yourSanta}${last}` });
    });

    it('puts no element in a bubble but http(s) links, and nothing executable anywhere', () => {
      expect(report.dangerousElements).to.deep.equal([]);
      const links = report.bubbleElements;
      expect(links.length, 'the payloads with URLs became links').to.be.greaterThan(0);
      for (const element of links) {
        expect(element.tag).to.equal('a');
        expect(element.href).to.match(/^https?:\/\//);
        expect(element.protocol, `a link that cannot be followed: ${element.href}`).to.match(/^https?:$/);
        expect(element.attributes).to.deep.equal(['href', 'rel', 'target']);
      }
    });

    it('refuses what the content rule refuses, with the documented code, in the composer, the client and the relay', () => {
      const refusedPayloads = XSS_PAYLOADS.filter((payload) => payload.refused !== undefined);
      expect(report.refusals.length).to.be.greaterThan(refusedPayloads.length);
      for (const refusal of report.refusals) {
        const what = `${refusal.name}: ${JSON.stringify(refusal)}`;
        expect(refusal.sendable, what).to.equal(false);
        expect(refusal.client, what).to.equal(refusal.expected);
        expect(refusal.relay, what).to.equal(refusal.expected);
        if (refusal.expected === 'BAD_REQUEST') expect(refusal.counter, what).to.equal(DEFAULT_STRINGS.errorInvalid);
        if (refusal.expected === 'TOO_LONG') expect(refusal.counter, what).to.match(/^\d+ characters over the limit$/);
        if (refusal.expected === 'EMPTY') expect(refusal.counter, what).to.equal(format(DEFAULT_STRINGS.charactersLeft, { count: LIMITS.maxContentCodePoints }));
      }
      expect(report.storedBySender0, 'nothing refused was stored').to.equal(report.shares[0]!.length);
      for (const vector of report.acceptedVectors) {
        expect(vector.sendable, vector.name).to.equal(true);
        expect(vector.counter, vector.name).to.equal(format(DEFAULT_STRINGS.charactersLeft, { count: LIMITS.maxContentCodePoints - vector.codePoints }));
      }
    });
  });
});
