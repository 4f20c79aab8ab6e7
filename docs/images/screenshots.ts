/**
 * Takes the screenshots in docs/images/ (docs/embedding.md shows them): the built widget on a
 * plain host page, served by a real relay, in Debian's Chromium (puppeteer-core).
 * `npm run build:widget`, then `node --import tsx docs/images/screenshots.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer from 'puppeteer-core';
import type { ConversationResponse } from '../../protocol/index.js';
import { TestClient } from '../../test/helpers/client.js';
import { asParticipant, sendMessage } from '../../test/helpers/http.js';
import { startTestRelay } from '../../test/helpers/relay.js';

const OUT = new URL('./', import.meta.url);
const site = createServer((request, response) => {
  const query = new URL(request.url ?? '/', 'http://x').searchParams;
  response.setHeader('content-type', 'text/html; charset=utf-8');
  response.end(`<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0;font-family:Georgia,serif;background:#f6f1e7;color:#333} main{padding:32px;max-width:560px} .card{height:520px;background:#fff;border-radius:16px;box-shadow:0 4px 24px #0002;overflow:hidden}</style>
<script type="module" src="${query.get('relay')}/santa-chat.js"></script></head>
<body><main><h1>Office Secret Santa 2026</h1><p>Draw done. Say hello to your giftee!</p>
${query.get('inline') ? '<div class="card">' : ''}<santa-chat server="${query.get('relay')}" token="${query.get('token')}" group-id="office" ${query.get('attrs') ?? ''}></santa-chat>${query.get('inline') ? '</div>' : ''}
</main></body></html>`);
});
await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
const relay = await startTestRelay({ config: { allowedOrigins: [siteUrl] } });
const members = [
  { id: 'ana', name: 'Ana' },
  { id: 'ben', name: 'Ben' },
  { id: 'cleo', name: 'Cleo' },
];
await relay.putGroup('office', {
  name: 'Office 2026',
  revealAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
  members,
  assignments: [
    { santa: 'ana', giftee: 'ben' },
    { santa: 'ben', giftee: 'cleo' },
    { santa: 'cleo', giftee: 'ana' },
  ],
});
// Ana (santa) and Ben (her giftee) talk a little.
const { conversation } = (await asParticipant(relay.url, relay.token('ana')).post<ConversationResponse>('/groups/office/conversation', { with: 'giftee' })).body;
const { client: ana } = await TestClient.ready(relay.wsUrl, relay.token('ana'));
const { client: ben } = await TestClient.ready(relay.wsUrl, relay.token('ben'));
await sendMessage(ana, conversation.id, 'Hi Ben! Any wishes for the gift?');
await sendMessage(ana, conversation.id, 'Books, socks, chocolate…');
await sendMessage(ben, conversation.id, 'Surprise me 🙂 Something to read would be lovely.');
await ana.close();
await ben.close();

const browser = await puppeteer.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
async function shot(name: string, options: { attrs?: string; inline?: boolean; width?: number; height?: number; open?: 'list' | 'thread'; over?: boolean }) {
  const page = await browser.newPage();
  await page.setViewport({ width: options.width ?? 900, height: options.height ?? 760, deviceScaleFactor: 1 });
  const query = new URLSearchParams({ relay: relay.url, token: relay.token('ben'), attrs: options.attrs ?? '', ...(options.inline ? { inline: '1' } : {}) });
  await page.goto(`${siteUrl}/?${query}`);
  await page.waitForFunction(() => (document.querySelector('santa-chat') as unknown as { connectionState?: string })?.connectionState === 'connected');
  if (options.open) {
    await page.evaluate(async (thread) => {
      const chat = document.querySelector('santa-chat') as unknown as { show(): void; messageMatch(g: string, w: string): Promise<unknown>; updateComplete: Promise<unknown> };
      if (thread) await chat.messageMatch('office', 'santa');
      else chat.show();
      await chat.updateComplete;
    }, options.open === 'thread');
    if (options.open === 'thread') await page.waitForFunction(() => (document.querySelector('santa-chat')!.shadowRoot!.querySelectorAll('.bubble').length ?? 0) >= 3);
  }
  if (options.over) {
    await page.evaluate(() => {
      const input = document.querySelector('santa-chat')!.shadowRoot!.querySelector('textarea')!;
      input.value = 'Thank you! '.repeat(200);
      input.dispatchEvent(new InputEvent('input'));
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 600));
  await page.screenshot({ path: new URL(`${name}.png`, OUT).pathname as `${string}.png` });
  await page.close();
}
try {
  await shot('widget-launcher', {});
  await shot('widget-inline', { inline: true, attrs: 'mode="inline" borderless', open: 'thread' });
  await shot('widget-phone', { width: 375, height: 812, open: 'thread' });
  await shot('widget-dark', { attrs: 'theme="dark"', open: 'thread', over: true });
  await shot('widget-de', { inline: true, attrs: 'mode="inline" borderless lang="de"', open: 'thread' });
} finally {
  await browser.close();
  await relay.stop();
  site.close();
}
