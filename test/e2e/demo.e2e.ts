/**
 * End to end, issue #4: the real `npm start` server in Debian's Chromium and Firefox ESR (issue
 * #15), one test body through driver.ts (Playwright for Chromium, puppeteer-core over
 * WebDriver BiDi for Firefox). A santa and their giftee sign in through the demo's picker in
 * two browser contexts; messages go both ways in under a second; the giftee's page never
 * shows the santa's name before the reveal; history survives reloads; the site's unread badge
 * counts and clears; "Reveal now" shows the names. Screenshots of both panes go to
 * test-artifacts/e2e/<browser>/ (git-ignored). BROWSERS=chromium (or firefox) runs one; webkit
 * in BROWSERS is ignored here (no WebKit driver for the demo).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startDemoServer, type DemoServer } from './demo-server.js';
import { launch, type DemoBrowser, type DemoContext, type DemoPage, type Engine } from './driver.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
const PAGE_PROBE = readFileSync(new URL('./page-probe.js', import.meta.url), 'utf8');
const DELIVERY_BUDGET_MS = 1000;
const ENGINES: Engine[] = ['chromium', 'firefox'];
const chosen = (process.env.BROWSERS ?? ENGINES.join(',')).split(',').map((name) => name.trim().toLowerCase());
const LABEL: Record<Engine, string> = { chromium: 'Chromium', firefox: 'Firefox ESR' };

interface Person {
  id: string;
  name: string;
  giftee: string | null;
  santa: string | null;
}

async function signIn(page: DemoPage, baseUrl: string, person: Person): Promise<void> {
  await page.goto(baseUrl);
  await page.clickLink(`Sign in as ${person.name}`);
  await page.waitForUrlEnding(`/pane.html?as=${person.id}`);
  await waitLive(page);
}

async function waitLive(page: DemoPage): Promise<void> {
  await page.waitFor('#connection[data-state="connected"]');
}

/** Sends `text` from one page's open conversation; resolves with how long it took to arrive. */
async function sendAndTime(from: DemoPage, to: DemoPage, text: string): Promise<number> {
  await to.evaluate(`window.__probe.expectMessage(${JSON.stringify(text)})`);
  const composer = from.chat();
  await composer.fillTextbox(text);
  const sentAt = Date.now();
  await composer.pressInTextbox('Enter');
  // The page records the arrival itself, so how often this polls does not matter.
  const deadline = Date.now() + 5000;
  for (;;) {
    const arrivedAt = await to.evaluate<number | undefined>(`window.__probe.arrivals[${JSON.stringify(text)}]`);
    if (arrivedAt !== undefined) return arrivedAt - sentAt;
    if (Date.now() > deadline) assert.fail(`"${text}" did not arrive within 5 s`);
    await to.wait(20);
  }
}

async function expectBadge(page: DemoPage, expected: string | null): Promise<void> {
  const deadline = Date.now() + 5000;
  let seen = await page.visibleText('#unread-badge');
  while (seen !== expected && Date.now() < deadline) {
    await page.wait(50);
    seen = await page.visibleText('#unread-badge');
  }
  assert.equal(seen, expected, `unread badge: expected ${expected ?? 'hidden'}, saw ${seen ?? 'hidden'}`);
}

function probe<T>(page: DemoPage, field: 'leaks' | 'cspViolations'): Promise<T> {
  return page.evaluate<T>(`window.__probe.${field}`);
}

for (const engine of ENGINES.filter((name) => chosen.includes(name))) describe(`npm start: the demo in ${LABEL[engine]}`, () => {
  const artifacts = join(ARTIFACTS, engine);
  const shot = (page: DemoPage, name: string) => page.screenshot(join(artifacts, `${name}.png`));
  let server: DemoServer;
  let dataDir: string;
  let browser: DemoBrowser;
  let santaContext: DemoContext;
  let santaPage: DemoPage;
  let gifteePage: DemoPage;
  let santa: Person;
  let giftee: Person;
  const pageErrors: string[] = [];
  /** Every leak reported by the giftee's pages, across reloads. */
  const gifteeLeaks: string[] = [];
  const timings: Record<string, number> = {};

  before(async () => {
    await mkdir(artifacts, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-e2e-'));
    server = await startDemoServer(dataDir);
    const people = ((await (await fetch(new URL('/demo/api/people', server.url))).json()) as { people: Person[] }).people;
    santa = people[0] as Person;
    giftee = people.find((person) => person.id === santa.giftee) as Person;
    assert.ok(giftee, 'the seeded santa has a giftee');

    browser = await launch(engine);
    const onPageError = (message: string) => pageErrors.push(message);
    santaContext = await browser.newContext({ initScripts: [PAGE_PROBE], onPageError });
    // The giftee's browser must never contain the santa's name or id before the reveal.
    const gifteeContext = await browser.newContext({
      initScripts: [`window.__probeNeedles = ${JSON.stringify([santa.name, santa.id])};`, PAGE_PROBE],
      onPageError,
      onConsole: (text) => {
        if (text.startsWith('santa-chat-e2e leak:')) gifteeLeaks.push(text);
      },
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
    await santaPage.waitForHeading('Who’s signing in?');
    await shot(santaPage, 'home');
    await signIn(santaPage, server.url, santa);
    await signIn(gifteePage, server.url, giftee);
    await santaPage.waitForText(`You’re the Secret Santa for ${giftee.name}`);
    await gifteePage.waitForText('Someone has your name');
  });

  it('"Message your match" opens the chat, and messages arrive both ways in under a second', async () => {
    await santaPage.clickButton('Message your match');
    await santaPage.chat().waitForTextbox();
    // The giftee learns of the new conversation, under the santa's alias.
    await gifteePage.chat().waitForButton(/^Your Secret Santa/);

    timings.santaToGiftee = await sendAndTime(santaPage, gifteePage, `Hi ${giftee.name}! Any hot tips for your present?`);
    await gifteePage.chat().waitForButton(/Any hot tips/);
    await gifteePage.clickButton('Message your Secret Santa');
    await gifteePage.chat().waitForTextbox();

    timings.gifteeToSanta = await sendAndTime(gifteePage, santaPage, 'Anything from my wishlist would be lovely. Who is this?');
    await santaPage.chat().waitForText('Anything from my wishlist');
    assert.ok(timings.santaToGiftee < DELIVERY_BUDGET_MS, `santa to giftee took ${timings.santaToGiftee} ms`);
    assert.ok(timings.gifteeToSanta < DELIVERY_BUDGET_MS, `giftee to santa took ${timings.gifteeToSanta} ms`);
  });

  it("counts unread messages in the site's own badge and clears it when they are read", async () => {
    // The giftee goes back to the conversation list, so new messages stay unread.
    await gifteePage.clickButton('Back to conversations');
    await expectBadge(gifteePage, null);
    timings.second = await sendAndTime(santaPage, gifteePage, 'That is a secret. Are you more of a spicy or a sweet person?');
    await expectBadge(gifteePage, '1');
    timings.third = await sendAndTime(santaPage, gifteePage, 'Asking for a friend.');
    await expectBadge(gifteePage, '2');
    assert.match(await gifteePage.title(), /^\(2\) /);
    await shot(gifteePage, 'giftee-pane-unread');

    await gifteePage.clickButton('Message your Secret Santa');
    await gifteePage.chat().waitForText('Asking for a friend.');
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

    await santaPage.clickButton('Message your match');
    await gifteePage.clickButton('Message your Secret Santa');
    for (const page of [santaPage, gifteePage]) {
      for (const text of ['Any hot tips', 'Who is this?', 'Asking for a friend.', 'Spicy, always.']) {
        await page.chat().waitForText(text);
      }
    }
  });

  it("shows both panes side by side, and the giftee's page never showed the santa's name", async () => {
    const pairPage = await santaContext.newPage({ width: 1440, height: 900 });
    await pairPage.goto(new URL(`/pair.html?santa=${santa.id}`, server.url).href);
    for (const frame of [pairPage.frame('#santa-pane iframe'), pairPage.frame('#giftee-pane iframe')]) {
      await frame.waitFor('#connection[data-state="connected"]');
    }
    await pairPage.frame('#santa-pane iframe').clickButton('Message your match');
    await pairPage.frame('#giftee-pane iframe').clickButton('Message your Secret Santa');
    await pairPage.frame('#giftee-pane iframe').chat().waitForText('Spicy, always.');
    await pairPage.wait(300);
    await shot(pairPage, 'side-by-side');
    await pairPage.close();

    assert.deepEqual(await probe(gifteePage, 'leaks'), []);
    assert.deepEqual(gifteeLeaks, [], `the giftee's page showed "${santa.name}" before the reveal`);
    const gifteeText = await gifteePage.evaluate<string>('document.body.innerText');
    assert.ok(gifteeText.includes('Secret Santa'));
    assert.ok(!gifteeText.includes(santa.name));
  });

  it('"Reveal now" shows the names on the giftee\'s page at once', async () => {
    await santaPage.clickButton('Developer tools');
    const drawer = santaPage.dialog('Developer tools');
    await drawer.waitFor('code', 'santa-chat.js');
    await drawer.waitFor('code', 'eyJ');
    await shot(santaPage, 'developer-tools');
    await drawer.clickButton('Reveal now');
    await drawer.waitForText('Revealed.');

    // Pushed to the open page: no reload.
    await gifteePage.chat().waitForText(santa.name, 5000);
    await gifteePage.waitForText(`${santa.name} was your Secret Santa`, 5000);
    await drawer.clickButton('Close developer tools');
    await shot(gifteePage, 'giftee-pane-revealed');
    await shot(santaPage, 'santa-pane-revealed');

    const pairPage = await santaContext.newPage({ width: 1440, height: 900 });
    await pairPage.goto(new URL(`/pair.html?santa=${santa.id}`, server.url).href);
    const gifteeFrame = pairPage.frame('#giftee-pane iframe');
    await gifteeFrame.clickButton('Message your Secret Santa');
    await gifteeFrame.chat().waitForText(santa.name);
    await pairPage.waitForText(`now sees ${santa.name}`);
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
