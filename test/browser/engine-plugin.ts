/**
 * Two test commands for the browser tests:
 * - `santa-chat-engine`: which engine runs the test (chromium, firefox or webkit), so that a
 *   test can say why a check needs a tool only one engine has (media emulation needs CDP);
 * - `santa-chat-chord`: real key events for a chord such as Shift+Enter in every driver.
 *   `sendKeys` has no `down`/`up` over WebDriver and its `press` takes a single key there;
 *   WebDriver's key actions do chords: every key down in order, then every key up.
 */
export type Engine = 'chromium' | 'firefox' | 'webkit';

interface Keyboard {
  down(key: string): Promise<void>;
  up(key: string): Promise<void>;
}

interface Session {
  id: string;
  browser: {
    type: string;
    getPage?(id: string): { keyboard: Keyboard };
    sendKeys?(id: string, keys: string[]): Promise<void>;
  };
}

export function enginePlugin(engine: string) {
  return {
    name: 'santa-chat-engine',
    async executeCommand({ command, payload, session }: { command: string; payload: unknown; session: Session }) {
      if (command === 'santa-chat-engine') return engine;
      if (command !== 'santa-chat-chord') return undefined;
      const keys = (payload as { keys?: unknown }).keys;
      if (!Array.isArray(keys) || keys.length < 2 || !keys.every((key) => typeof key === 'string')) {
        throw new Error('santa-chat-chord needs { keys: [modifier..., key] }');
      }
      const { browser } = session;
      if (browser.type === 'puppeteer' && browser.getPage) {
        const { keyboard } = browser.getPage(session.id);
        for (const key of keys) await keyboard.down(key);
        for (const key of [...keys].reverse()) await keyboard.up(key);
        return true;
      }
      if (browser.type === 'webdriver' && browser.sendKeys) {
        await browser.sendKeys(session.id, keys);
        return true;
      }
      throw new Error(`santa-chat-chord: no chords for browser type ${browser.type}`);
    },
  };
}
