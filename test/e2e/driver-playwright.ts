/** The end-to-end driver for Debian's Chromium: Playwright's locators (see driver.ts). */
import { chromium, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './chromium.js';
import { DEFAULT_TIMEOUT_MS, VIEWPORT, type ContextOptions, type DemoBrowser, type DemoPage, type Name, type Scope } from './driver.js';

type Root = Page | FrameLocator | Locator;

function scope(root: Root): Scope {
  const textbox = () => root.getByRole('textbox');
  return {
    waitFor: (css, hasText) => root.locator(css, hasText === undefined ? {} : { hasText }).first().waitFor(),
    waitForText: (text, timeout) => root.getByText(text).first().waitFor(timeout === undefined ? {} : { timeout }),
    waitForHeading: (name) => root.getByRole('heading', { name }).waitFor(),
    waitForButton: (name: Name) => root.getByRole('button', { name }).first().waitFor(),
    clickButton: (name: Name) => root.getByRole('button', { name }).click(),
    clickLink: (name) => root.getByRole('link', { name, exact: true }).click(),
    waitForTextbox: () => textbox().waitFor(),
    fillTextbox: (text) => textbox().fill(text),
    pressInTextbox: (key) => textbox().press(key),
    chat: () => scope(root.locator('santa-chat')),
    dialog: (name) => scope(root.getByRole('dialog', { name })),
    frame: (css) => scope(root.frameLocator(css)),
  };
}

function demoPage(page: Page): DemoPage {
  return {
    ...scope(page),
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    waitForUrlEnding: (suffix) => page.waitForURL((url) => url.href.endsWith(suffix)),
    evaluate: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
    wait: (ms) => page.waitForTimeout(ms),
    title: () => page.title(),
    visibleText: async (css) => {
      const element = page.locator(css);
      return (await element.isVisible()) ? ((await element.textContent())?.trim() ?? '') : null;
    },
    screenshot: async (path) => void (await page.screenshot({ path, animations: 'disabled' })),
    close: () => page.close(),
  };
}

export async function launchChromium(): Promise<DemoBrowser> {
  const browser = await chromium.launch({ executablePath: ensureChromium(), headless: true, args: CHROMIUM_ARGS });
  return {
    async newContext(options: ContextOptions) {
      const context = await browser.newContext({ viewport: VIEWPORT });
      for (const content of options.initScripts) await context.addInitScript({ content });
      context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
      context.on('page', (page) => page.on('pageerror', (error) => options.onPageError(error.message)));
      if (options.onConsole) context.on('console', (message) => options.onConsole!(message.text()));
      return {
        async newPage(viewport) {
          const page = await context.newPage();
          if (viewport) await page.setViewportSize(viewport);
          return demoPage(page);
        },
      };
    },
    close: () => browser.close(),
  };
}
