/**
 * The end-to-end driver for Debian's Firefox ESR: puppeteer-core over WebDriver BiDi (see
 * driver.ts). Elements are found by page-finder.js, evaluated in the page: by role and
 * accessible name (aria-label, aria-labelledby or text), by text, or by CSS, through shadow
 * roots, visible ones only, as Playwright's locators find them for the Chromium driver.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import puppeteer, { type ElementHandle, type Frame, type Page } from 'puppeteer-core';
import { DEFAULT_TIMEOUT_MS, VIEWPORT, type ContextOptions, type DemoBrowser, type DemoPage, type Name, type Scope } from './driver.js';

const FINDER = readFileSync(new URL('./page-finder.js', import.meta.url), 'utf8').replace(/^(\/\/.*\n)+/, '').trim().replace(/;$/, '');
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

type TextSpec = { text: string } | { regex: string; flags: string };
type Step =
  | { css: string; hasText?: string }
  | { role: string; name?: TextSpec; exact?: boolean }
  | { text: TextSpec; exact?: boolean };

function textSpec(name: Name): TextSpec {
  return typeof name === 'string' ? { text: name } : { regex: name.source, flags: name.flags };
}

function scope(page: Page, frames: string[], steps: Step[]): Scope {
  async function frame(): Promise<Frame> {
    let current = page.mainFrame();
    for (const css of frames) {
      const iframe = await current.waitForSelector(css, { timeout: DEFAULT_TIMEOUT_MS });
      const inner = await iframe!.contentFrame();
      if (!inner) throw new Error(`no document in ${css}`);
      current = inner;
    }
    return current;
  }
  async function find(step: Step, timeout = DEFAULT_TIMEOUT_MS): Promise<ElementHandle> {
    const spec = [...steps, step];
    try {
      const handle = await (await frame()).waitForFunction(`(${FINDER})(${JSON.stringify(spec)})`, { timeout, polling: 50 });
      return handle.asElement() as ElementHandle;
    } catch (error) {
      throw new Error(`not found within ${timeout} ms: ${JSON.stringify(spec)} in ${frames.join(' > ') || 'the page'} (${String(error)})`);
    }
  }
  const textbox = () => find({ role: 'textbox' });
  return {
    waitFor: async (css, hasText) => void (await find({ css, hasText })),
    waitForText: async (text, timeout) => void (await find({ text: { text } }, timeout)),
    waitForHeading: async (name) => void (await find({ role: 'heading', name: { text: name } })),
    waitForButton: async (name) => void (await find({ role: 'button', name: textSpec(name) })),
    clickButton: async (name) => (await find({ role: 'button', name: textSpec(name) })).click(),
    clickLink: async (name) => (await find({ role: 'link', name: { text: name }, exact: true })).click(),
    waitForTextbox: async () => void (await textbox()),
    fillTextbox: async (text) => {
      // As Playwright's fill: whatever the box holds is replaced (select all, delete, type).
      const input = await textbox();
      await input.focus();
      await page.keyboard.down('Control');
      await page.keyboard.press('a');
      await page.keyboard.up('Control');
      await page.keyboard.press('Backspace');
      await input.type(text);
    },
    pressInTextbox: async (key) => (await textbox()).press(key as Parameters<ElementHandle['press']>[0]),
    chat: () => scope(page, frames, [...steps, { css: 'santa-chat' }]),
    dialog: (name) => scope(page, frames, [...steps, { role: 'dialog', name: { text: name } }]),
    frame: (css) => scope(page, [...frames, css], steps),
  };
}

function demoPage(page: Page): DemoPage {
  return {
    ...scope(page, [], []),
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    waitForUrlEnding: async (suffix) => {
      const deadline = Date.now() + DEFAULT_TIMEOUT_MS;
      while (!page.url().endsWith(suffix)) {
        if (Date.now() > deadline) throw new Error(`the page is at ${page.url()}, not …${suffix}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await page.waitForFunction('document.readyState === "complete"', { timeout: DEFAULT_TIMEOUT_MS });
    },
    evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    title: () => page.title(),
    visibleText: (css) =>
      page.evaluate(`(() => {
        const element = document.querySelector(${JSON.stringify(css)});
        return element && element.checkVisibility({ visibilityProperty: true }) ? element.textContent.trim() : null;
      })()`) as Promise<string | null>,
    screenshot: async (path) => void (await page.screenshot({ path })),
    close: () => page.close(),
  };
}

export async function launchFirefox(): Promise<DemoBrowser> {
  try {
    accessSync(FIREFOX, constants.X_OK);
  } catch {
    throw new Error(`Firefox is missing at ${FIREFOX}. Install it with: sudo apt-get install -y firefox-esr (or set FIREFOX_PATH).`);
  }
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, defaultViewport: VIEWPORT });
  return {
    async newContext(options: ContextOptions) {
      const context = await browser.createBrowserContext();
      return {
        async newPage(viewport) {
          // A window of its own, as each person has: a background tab is hidden, and the
          // widget (rightly) marks nothing read on a hidden page.
          const page = await context.newPage({ type: 'window' });
          page.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
          if (viewport) await page.setViewport(viewport);
          for (const source of options.initScripts) await page.evaluateOnNewDocument(source);
          page.on('pageerror', (error) => options.onPageError(error instanceof Error ? error.message : String(error)));
          if (options.onConsole) page.on('console', (message) => options.onConsole!(message.text()));
          return demoPage(page);
        },
      };
    },
    close: () => browser.close(),
  };
}
