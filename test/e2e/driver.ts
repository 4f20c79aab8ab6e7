/**
 * What the end-to-end test does to a page, as a person would (find by role, name and text),
 * behind one small interface with two drivers: Playwright for Debian's Chromium
 * (driver-playwright.ts) and puppeteer-core over WebDriver BiDi for Debian's Firefox ESR
 * (driver-puppeteer.ts; Playwright cannot drive a stock Firefox). One test body, two browsers.
 */
export type Engine = 'chromium' | 'firefox';
export type Name = string | RegExp;

/** A part of a page to look in: the page, a frame, the embedded chat or a dialog. */
export interface Scope {
  /** The first visible element matching `css` (containing `hasText`, if given) appears. */
  waitFor(css: string, hasText?: string): Promise<void>;
  /** Visible text containing `text` (case-insensitive) appears. */
  waitForText(text: string, timeoutMs?: number): Promise<void>;
  waitForHeading(name: string): Promise<void>;
  waitForButton(name: Name): Promise<void>;
  clickButton(name: Name): Promise<void>;
  /** Clicks the link whose name is exactly `name`. */
  clickLink(name: string): Promise<void>;
  waitForTextbox(): Promise<void>;
  /** Replaces what the text box holds with `text`. */
  fillTextbox(text: string): Promise<void>;
  /** Presses a key (e.g. Enter) in the text box. */
  pressInTextbox(key: string): Promise<void>;
  /** The embedded <santa-chat> (its shadow tree). */
  chat(): Scope;
  dialog(name: string): Scope;
  /** The document of the iframe matching `css`. */
  frame(css: string): Scope;
}

export interface DemoPage extends Scope {
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  waitForUrlEnding(suffix: string): Promise<void>;
  /** Evaluates a JavaScript expression (source text) in the page. */
  evaluate<T>(expression: string): Promise<T>;
  wait(ms: number): Promise<void>;
  title(): Promise<string>;
  /** The text of the element matching `css` if it is visible, else null. */
  visibleText(css: string): Promise<string | null>;
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

export interface ContextOptions {
  /** Scripts (source text) run in every page and frame before the page's own. */
  initScripts: string[];
  onConsole?: (text: string) => void;
  onPageError: (message: string) => void;
}

export interface DemoContext {
  newPage(viewport?: { width: number; height: number }): Promise<DemoPage>;
}

export interface DemoBrowser {
  newContext(options: ContextOptions): Promise<DemoContext>;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const VIEWPORT = { width: 1280, height: 820 };

export async function launch(engine: Engine): Promise<DemoBrowser> {
  if (engine === 'chromium') return (await import('./driver-playwright.js')).launchChromium();
  return (await import('./driver-puppeteer.js')).launchFirefox();
}
