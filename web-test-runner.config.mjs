// Browser tests: one real engine per run (test/run-browsers.mjs runs each in turn), the
// widget's TypeScript through esbuild, and a real relay started by the plugin (run through
// `node --import tsx` so it can load TS). SANTA_CHAT_ENGINE picks the engine:
// - chromium: Debian's Chromium through puppeteer-core (CDP);
// - firefox: Debian's Firefox ESR through puppeteer-core (WebDriver BiDi);
// - webkit: WebKitGTK's MiniBrowser through the WebKitWebDriver that run-browsers.mjs starts
//   (under Xvfb) on WEBKIT_WEBDRIVER_PORT.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import * as puppeteerCore from 'puppeteer-core';
import { relayMiddleware, relayPlugin } from './test/browser/relay-plugin.ts';
import { enginePlugin } from './test/browser/engine-plugin.ts';

const engine = process.env.SANTA_CHAT_ENGINE ?? 'chromium';

/**
 * Firefox's system colour scheme for the run: dark, so that `theme="auto"` is seen following a
 * dark system in an engine whose media features cannot be emulated (WebKit's run stays light).
 */
const FIREFOX_PREFS = { 'layout.css.prefers-color-scheme.content-override': 0 };

function launcher() {
  if (engine === 'chromium') {
    return chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-dev-shm-usage',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--disable-sync',
        ],
      },
    });
  }
  if (engine === 'firefox') {
    return chromeLauncher({
      puppeteer: puppeteerCore,
      launchOptions: {
        browser: 'firefox',
        executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
        headless: true,
        extraPrefsFirefox: FIREFOX_PREFS,
      },
    });
  }
  if (engine === 'webkit') {
    const port = Number(process.env.WEBKIT_WEBDRIVER_PORT);
    if (!port) throw new Error('WEBKIT_WEBDRIVER_PORT is not set: run the browser tests through test/run-browsers.mjs');
    return webdriverLauncher({
      hostname: '127.0.0.1',
      port,
      path: '/',
      logLevel: 'warn',
      capabilities: {
        browserName: 'MiniBrowser',
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': {
          binary: process.env.WEBKIT_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
          args: ['--automation'],
        },
      },
    });
  }
  throw new Error(`unknown SANTA_CHAT_ENGINE ${engine}: chromium, firefox or webkit`);
}

export default {
  files: ['test/browser/**/*.test.ts', 'widget/src/**/*.browser.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 15000 } },
  testsFinishTimeout: 180000,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './widget/tsconfig.json' }), relayPlugin(), enginePlugin(engine)],
  middleware: [relayMiddleware],
  browsers: [launcher()],
};
