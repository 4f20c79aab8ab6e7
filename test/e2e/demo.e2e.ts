/**
 * End to end, issue #4: the real `npm start` server and Debian's Chromium. A santa and their
 * giftee sign in through the demo's picker in two browser contexts; messages go both ways in
 * under a second; the giftee's page never shows the santa's name before the reveal; history
 * survives reloads; the site's unread badge counts and clears; "Reveal now" shows the names.
 * Screenshots of both panes go to test-artifacts/e2e/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './chromium.js';
import { startDemoServer, type DemoServer } from './demo-server.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const PAGE_PROBE = fileURLToPath(new URL('./page-probe.js', import.meta.url));
const DELIVERY_BUDGET_MS = 1000;

interface Person {
  id: string;
  name: string;
  giftee: string | null;
  santa: string | null;
}

async function signIn(page: Page, baseUrl: string, person: Person): Promise<void> {
  await page.goto(baseUrl);
  await page.getByRole('link', { name: `Sign in as ${person.name}`, exact: true }).click();
  await page.waitForURL(`**/pane.html?as=${person.id}`);
  await waitLive(page);
}

/** The embedded widget; its parts are found by role and text, as a person would. */
const chatOf = (page: Page) => page.locator('santa-chat');
const composerOf = (page: Page) => chatOf(page).getByRole('textbox');

async function waitLive(page: Page): Promise<void> {
  await page.locator('#connection[data-state="connected"]').waitFor();
}

/** Sends `text` from one page's open conversation; resolves with how long it took to arrive. */
async function sendAndTime(from: Page, to: Page, text: string): Promise<number> {
  await to.evaluate(`window.__probe.expectMessage(${JSON.stringify(text)})`);
  const composer = composerOf(from);
  await composer.fill(text);
  const sentAt = Date.now();
  await composer.press('Enter');
  // The page records the arrival itself, so how often this polls does not matter.
  const deadline = Date.now() + 5000;
  for (;;) {
    const arrivedAt = (await to.evaluate(`window.__probe.arrivals[${JSON.stringify(text)}]`)) as number | undefined;
    if (arrivedAt !== undefined) return arrivedAt - sentAt;
    if (Date.now() > deadline) assert.fail(`"${text}" did not arrive within 5 s`);
    await to.waitForTimeout(20);
  }
}

async function badge(page: Page): Promise<string | null> {
  const element = page.locator('#unread-badge');
  return (await element.isVisible()) ? (await element.textContent())?.trim() ?? '' : null;
}

async function expectBadge(page: Page, expected: string | null): Promise<void> {
  const deadline = Date.now() + 5000;
  let seen = await badge(page);
  while (seen !== expected && Date.now() < deadline) {
    await page.waitForTimeout(50);
    seen = await badge(page);
  }
  assert.equal(seen, expected, `unread badge: expected ${expected ?? 'hidden'}, saw ${seen ?? 'hidden'}`);
}

function probe<T>(page: Page, field: 'leaks' | 'cspViolations'): Promise<T> {
  return page.evaluate(`window.__probe.${field}`) as Promise<T>;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
}

describe('npm start: the demo in Chromium', () => {
  let server: DemoServer;
  let dataDir: string;
  let browser: Browser;
  let santaContext: BrowserContext;
  let gifteeContext: BrowserContext;
  let santaPage: Page;
  let gifteePage: Page;
  let santa: Person;
  let giftee: Person;
  const pageErrors: string[] = [];
  /** Every leak reported by the giftee's pages, across reloads. */
  const gifteeLeaks: string[] = [];
  const timings: Record<string, number> = {};

  before(async () => {
    const executablePath = ensureChromium();
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-e2e-'));
    server = await startDemoServer(dataDir);
    const people = ((await (await fetch(new URL('/demo/api/people', server.url))).json()) as { people: Person[] }).people;
    santa = people[0] as Person;
    giftee = people.find((person) => person.id === santa.giftee) as Person;
    assert.ok(giftee, 'the seeded santa has a giftee');

    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    santaContext = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    gifteeContext = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    // The giftee's browser must never contain the santa's name or id before the reveal.
    await gifteeContext.addInitScript({ content: `window.__probeNeedles = ${JSON.stringify([santa.name, santa.id])};` });
    for (const context of [santaContext, gifteeContext]) await context.addInitScript({ path: PAGE_PROBE });
    for (const context of [santaContext, gifteeContext]) {
      context.setDefaultTimeout(10_000);
      context.on('page', (page) => page.on('pageerror', (error) => pageErrors.push(error.message)));
    }
    gifteeContext.on('console', (message) => {
      if (message.text().startsWith('santa-chat-e2e leak:')) gifteeLeaks.push(message.text());
    });
    santaPage = await santaContext.newPage();
    gifteePage = await gifteeContext.newPage();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (Object.keys(timings).length > 0) process.stderr.write(`# delivery times (ms): ${JSON.stringify(timings)}\n`);
  });

  it('signs in as a santa and as their giftee through the picker, in two browser contexts', async () => {
    await santaPage.goto(server.url);
    await santaPage.getByRole('heading', { name: 'Who’s signing in?' }).waitFor();
    await shot(santaPage, 'home');
    await signIn(santaPage, server.url, santa);
    await signIn(gifteePage, server.url, giftee);
    await santaPage.getByText(`You’re the Secret Santa for ${giftee.name}`).waitFor();
    await gifteePage.getByText('Someone has your name').waitFor();
  });

  it('"Message your match" opens the chat, and messages arrive both ways in under a second', async () => {
    await santaPage.getByRole('button', { name: 'Message your match' }).click();
    await composerOf(santaPage).waitFor();
    // The giftee learns of the new conversation, under the santa's alias.
    await chatOf(gifteePage).getByRole('button', { name: /^Your Secret Santa/ }).waitFor();

    timings.santaToGiftee = await sendAndTime(santaPage, gifteePage, `Hi ${giftee.name}! Any hot tips for your present?`);
    await chatOf(gifteePage).getByRole('button', { name: /Any hot tips/ }).waitFor();
    await gifteePage.getByRole('button', { name: 'Message your Secret Santa' }).click();
    await composerOf(gifteePage).waitFor();

    timings.gifteeToSanta = await sendAndTime(gifteePage, santaPage, 'Anything from my wishlist would be lovely. Who is this?');
    await chatOf(santaPage).getByText('Anything from my wishlist').first().waitFor();
    assert.ok(timings.santaToGiftee < DELIVERY_BUDGET_MS, `santa to giftee took ${timings.santaToGiftee} ms`);
    assert.ok(timings.gifteeToSanta < DELIVERY_BUDGET_MS, `giftee to santa took ${timings.gifteeToSanta} ms`);
  });

  it("counts unread messages in the site's own badge and clears it when they are read", async () => {
    // The giftee goes back to the conversation list, so new messages stay unread.
    await gifteePage.getByRole('button', { name: 'Back to conversations' }).click();
    await expectBadge(gifteePage, null);
    timings.second = await sendAndTime(santaPage, gifteePage, 'That is a secret. Are you more of a spicy or a sweet person?');
    await expectBadge(gifteePage, '1');
    timings.third = await sendAndTime(santaPage, gifteePage, 'Asking for a friend.');
    await expectBadge(gifteePage, '2');
    assert.match(await gifteePage.title(), /^\(2\) /);
    await shot(gifteePage, 'giftee-pane-unread');

    await gifteePage.getByRole('button', { name: 'Message your Secret Santa' }).click();
    await chatOf(gifteePage).getByText('Asking for a friend.').first().waitFor();
    await expectBadge(gifteePage, null);
    // The santa had the conversation open the whole time: nothing unread there.
    await expectBadge(santaPage, null);
    timings.reply = await sendAndTime(gifteePage, santaPage, 'Spicy, always.');
    await expectBadge(santaPage, null);
    for (const [what, ms] of Object.entries(timings)) assert.ok(ms < DELIVERY_BUDGET_MS, `${what} took ${ms} ms`);

    await shot(santaPage, 'santa-pane');
    await shot(gifteePage, 'giftee-pane');
  });

  it('keeps the history across reloads, with nothing unread', async () => {
    await Promise.all([santaPage.reload(), gifteePage.reload()]);
    await Promise.all([waitLive(santaPage), waitLive(gifteePage)]);
    await expectBadge(gifteePage, null);
    await expectBadge(santaPage, null);

    await santaPage.getByRole('button', { name: 'Message your match' }).click();
    await gifteePage.getByRole('button', { name: 'Message your Secret Santa' }).click();
    for (const page of [santaPage, gifteePage]) {
      for (const text of ['Any hot tips', 'Who is this?', 'Asking for a friend.', 'Spicy, always.']) {
        await chatOf(page).getByText(text).first().waitFor();
      }
    }
  });

  it("shows both panes side by side, and the giftee's page never showed the santa's name", async () => {
    const pairPage = await santaContext.newPage();
    await pairPage.setViewportSize({ width: 1440, height: 900 });
    await pairPage.goto(new URL(`/pair.html?santa=${santa.id}`, server.url).href);
    for (const frame of [pairPage.frameLocator('#santa-pane iframe'), pairPage.frameLocator('#giftee-pane iframe')]) {
      await frame.locator('#connection[data-state="connected"]').waitFor();
    }
    await pairPage.frameLocator('#santa-pane iframe').getByRole('button', { name: 'Message your match' }).click();
    await pairPage.frameLocator('#giftee-pane iframe').getByRole('button', { name: 'Message your Secret Santa' }).click();
    await pairPage.frameLocator('#giftee-pane iframe').locator('santa-chat').getByText('Spicy, always.').first().waitFor();
    await pairPage.waitForTimeout(300);
    await shot(pairPage, 'side-by-side');
    await pairPage.close();

    assert.deepEqual(await probe(gifteePage, 'leaks'), []);
    assert.deepEqual(gifteeLeaks, [], `the giftee's page showed "${santa.name}" before the reveal`);
    const gifteeText = await gifteePage.locator('body').innerText();
    assert.ok(gifteeText.includes('Secret Santa'));
    assert.ok(!gifteeText.includes(santa.name));
  });

  it('"Reveal now" shows the names on the giftee\'s page at once', async () => {
    await santaPage.getByRole('button', { name: 'Developer tools' }).click();
    const drawer = santaPage.getByRole('dialog', { name: 'Developer tools' });
    await drawer.locator('code', { hasText: 'santa-chat.js' }).waitFor();
    await drawer.locator('code', { hasText: 'eyJ' }).waitFor();
    await shot(santaPage, 'developer-tools');
    await drawer.getByRole('button', { name: 'Reveal now' }).click();
    await drawer.getByText('Revealed.').waitFor();

    // Pushed to the open page: no reload.
    await chatOf(gifteePage).getByText(santa.name).first().waitFor({ timeout: 5000 });
    await gifteePage.getByText(`${santa.name} was your Secret Santa`).waitFor({ timeout: 5000 });
    await drawer.getByRole('button', { name: 'Close developer tools' }).click();
    await shot(gifteePage, 'giftee-pane-revealed');
    await shot(santaPage, 'santa-pane-revealed');

    const pairPage = await santaContext.newPage();
    await pairPage.setViewportSize({ width: 1440, height: 900 });
    await pairPage.goto(new URL(`/pair.html?santa=${santa.id}`, server.url).href);
    const gifteeFrame = pairPage.frameLocator('#giftee-pane iframe');
    await gifteeFrame.getByRole('button', { name: 'Message your Secret Santa' }).click();
    await gifteeFrame.locator('santa-chat').getByText(santa.name).first().waitFor();
    await pairPage.getByText(`now sees ${santa.name}`).waitFor();
    await shot(pairPage, 'side-by-side-revealed');
    await pairPage.close();
  });

  it('ran every page under its Content-Security-Policy without a violation or an uncaught error', async () => {
    for (const page of [santaPage, gifteePage]) {
      assert.deepEqual(await probe(page, 'cspViolations'), []);
    }
    assert.deepEqual(pageErrors, []);
  });
});
