/**
 * First contact (issue #13), as a host developer meets it: a clean clone of this repository,
 * the README's install command, the relay started the README's way with the README's
 * variables, a host page on another origin carrying the README's snippet and its
 * Content-Security-Policy verbatim (only the relay's address and the token filled in), a
 * group and tokens made with the README's host helper code, and two participants in Debian's
 * Chromium exchanging messages both ways. Then the two mistakes a newcomer makes first: the
 * page's origin left out of SANTA_CHAT_ALLOWED_ORIGINS, and a token signed with another
 * secret; each must reach the page as a specific `santa-chat-error` and a visible sentence
 * within 10 s.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './chromium.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const RELAY_PLACEHOLDER = 'https://chat.example.org';
const TOKEN_PLACEHOLDER = '…participant token…';

/** The README's code blocks, in order, with the language each is marked with. */
function codeBlocks(readme: string): { lang: string; text: string }[] {
  return [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({ lang: match[1] ?? '', text: match[2] ?? '' }));
}

function readmeParts(readme: string) {
  const blocks = codeBlocks(readme);
  const install = blocks.find((block) => block.lang === 'sh' && block.text.includes('npm install && npm start'));
  const relay = blocks.find((block) => block.text.includes('santa-chat-relay') && block.text.includes('SANTA_CHAT_JWT_SECRET='));
  const snippet = blocks.find((block) => block.lang === 'html' && block.text.includes('<santa-chat'));
  const csp = blocks.find((block) => block.text.startsWith('Content-Security-Policy:'));
  assert.ok(install && relay && snippet && csp, 'the README has its install, relay, snippet and CSP blocks');
  return {
    installCommand: (install.text.split('\n')[0] ?? '').split('&&')[0]?.trim() ?? '',
    relayVariables: [...relay.text.matchAll(/^(SANTA_CHAT_[A-Z_]+)=/gm)].map((match) => match[1] as string),
    snippet: snippet.text,
    csp: csp.text.replace(/^Content-Security-Policy:\s*/, '').trim(),
  };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}

interface Relay {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

/** `npm run relay` in the clone, as the README says, in its own process group. */
async function startRelay(clone: string, env: Record<string, string>): Promise<Relay> {
  const port = await freePort();
  const child: ChildProcess = spawn('npm', ['run', 'relay'], {
    cwd: clone,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/listening on http/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the relay did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {
        return;
      }
      await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 5000))]);
    },
  };
}

/** The host site: one page, the README's snippet and CSP with the relay's address and a token filled in. */
async function startHost(parts: ReturnType<typeof readmeParts>, relayUrl: () => string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const relay = relayUrl();
    const csp = parts.csp.replaceAll('wss://chat.example.org', relay.replace('http', 'ws')).replaceAll(RELAY_PLACEHOLDER, relay);
    const url = new URL(request.url ?? '/', 'http://host');
    if (url.pathname !== '/') {
      response.writeHead(404).end();
      return;
    }
    const token = url.searchParams.get('token') ?? '';
    const body = parts.snippet.replaceAll(RELAY_PLACEHOLDER, relay).replace(TOKEN_PLACEHOLDER, token).replace('<santa-chat ', '<santa-chat open ');
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gifts</title></head><body>${body}</body></html>`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

/** A page that records the widget's `santa-chat-error` events and CSP violations. */
async function openAs(browser: Browser, hostUrl: string, token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript({
    content: `window.__errors = []; window.__violations = [];
      addEventListener('santa-chat-error', (event) => window.__errors.push(event.detail), true);
      addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));`,
  });
  const page = await context.newPage();
  await page.goto(`${hostUrl}/?token=${encodeURIComponent(token)}`);
  return page;
}

async function errorCodes(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.__errors.map((error) => error.code)');
}

/**
 * Waits until the page has reported `code`. Polled from here: Playwright's waitForFunction
 * evaluates a string predicate with eval, which the page's strict CSP (rightly) refuses.
 */
async function errorReported(page: Page, code: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await errorCodes(page)).includes(code)) {
    if (Date.now() > deadline) throw new Error(`no santa-chat-error ${code} within ${timeoutMs} ms; got ${JSON.stringify(await errorCodes(page))}`);
    await page.waitForTimeout(100);
  }
}

describe('first contact: from a clean clone and the README to a working embed on another origin', { timeout: 600_000 }, () => {
  let scratch: string;
  let clone: string;
  let parts: ReturnType<typeof readmeParts>;
  let browser: Browser;
  let host: typeof import('../../server/src/host/index.js');
  const secret = 'first-contact-secret-with-enough-bytes-0123456789';
  const adminToken = 'first-contact-admin-token-0123456789';

  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'santa-chat-first-contact-'));
    clone = join(scratch, 'santa-chat');
    await run('git', ['clone', '--quiet', ROOT, clone]);
    parts = readmeParts(readFileSync(join(clone, 'README.md'), 'utf8'));
    assert.equal(parts.installCommand, 'npm install');
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: clone, timeout: 480_000, maxBuffer: 64 * 1024 * 1024 });
    host = (await import(join(clone, 'server/dist/server/src/host/index.js'))) as typeof import('../../server/src/host/index.js');
    browser = await chromium.launch({ executablePath: ensureChromium(), headless: true, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  /** The host page, the relay with the README's variables (the page's origin allowed or not), and a group of two. */
  async function setUp(allowHost: boolean) {
    let relayUrl = '';
    const site = await startHost(parts, () => relayUrl);
    const env: Record<string, string> = { DATABASE_URL: `sqlite:${join(scratch, `relay-${Date.now()}.db`)}` };
    for (const name of parts.relayVariables) {
      if (name === 'SANTA_CHAT_JWT_SECRET') env[name] = secret;
      else if (name === 'SANTA_CHAT_ADMIN_TOKEN') env[name] = adminToken;
      else if (name === 'SANTA_CHAT_ALLOWED_ORIGINS') env[name] = allowHost ? site.url : 'https://gifts.example.com';
      else throw new Error(`the README's relay command sets ${name}; this test does not know it`);
    }
    const relay = await startRelay(clone, env);
    relayUrl = relay.url;
    const admin = host.createAdminClient({ url: relay.url, adminToken });
    await admin.putGroup('office-2026', {
      name: 'Office 2026',
      revealAt: new Date(Date.now() + 7 * 86_400_000),
      members: [{ id: 'u1', name: 'Alice' }, { id: 'u2', name: 'Bob' }],
      assignments: [{ santa: 'u1', giftee: 'u2' }, { santa: 'u2', giftee: 'u1' }],
    });
    return {
      relay,
      site,
      token: (userId: string, signingSecret = secret) => host.mintParticipantToken(userId, { secret: signingSecret, expiresInSeconds: 3600 }),
      stop: async () => {
        site.server.close();
        await relay.stop();
      },
    };
  }

  it('two participants exchange messages both ways under the README’s CSP', async () => {
    const world = await setUp(true);
    try {
      const alice = await openAs(browser, world.site.url, world.token('u1'));
      const bob = await openAs(browser, world.site.url, world.token('u2'));
      const chat = (page: Page) => page.locator('santa-chat');
      await chat(alice).getByRole('button', { name: /your giftee/i }).click();
      await chat(alice).getByRole('textbox').fill('Hello from your Secret Santa');
      await chat(alice).getByRole('textbox').press('Enter');
      await chat(bob).getByRole('button', { name: /your secret santa/i }).click();
      await chat(bob).getByText('Hello from your Secret Santa').waitFor({ timeout: 10_000 });
      await chat(bob).getByRole('textbox').fill('Thank you, mystery person');
      await chat(bob).getByRole('textbox').press('Enter');
      await chat(alice).getByText('Thank you, mystery person').waitFor({ timeout: 10_000 });
      for (const page of [alice, bob]) {
        assert.deepEqual(await page.evaluate<string[]>('window.__violations'), [], 'no CSP violation');
        assert.deepEqual(await errorCodes(page), []);
      }
    } finally {
      await world.stop();
    }
  });

  it('a page whose origin the relay does not allow is told so within 10 s, and the relay logs it', async () => {
    const world = await setUp(false);
    try {
      const page = await openAs(browser, world.site.url, world.token('u1'));
      const startedAt = Date.now();
      await errorReported(page, 'ORIGIN_NOT_ALLOWED', 10_000);
      assert.ok(Date.now() - startedAt < 10_000);
      await page.locator('santa-chat').getByText(/SANTA_CHAT_ALLOWED_ORIGINS/).first().waitFor({ timeout: 2000 });
      assert.match(world.relay.output(), /origin/i);
    } finally {
      await world.stop();
    }
  });

  it('a token signed with another secret is told as such within 10 s, not "reload the page"', async () => {
    const world = await setUp(true);
    try {
      const page = await openAs(browser, world.site.url, world.token('u1', 'a-different-secret-with-enough-bytes-987654321'));
      const startedAt = Date.now();
      await errorReported(page, 'TOKEN_BAD_SIGNATURE', 10_000);
      assert.ok(Date.now() - startedAt < 10_000);
      const chat = page.locator('santa-chat');
      await chat.getByText(/could not sign in/i).first().waitFor({ timeout: 5000 });
      assert.equal(await chat.getByText(/reload/i).count(), 0, 'nothing tells the participant to reload');
    } finally {
      await world.stop();
    }
  });
});
