#!/usr/bin/env node
// Runs the browser tests (web-test-runner.config.mjs) once per engine, one after another: the
// engines must not share the test relay of one invocation. BROWSERS=chromium,firefox picks
// engines for quick local work (default: all three, as CI runs them). Extra arguments go to
// web-test-runner (e.g. --files test/browser/composer.test.ts). Exits non-zero if any fails.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENGINES = ['chromium', 'firefox', 'webkit'];
const XVFB_ARGS = ['-a', '-s', '-screen 0 1280x1024x24'];
const WEBKIT_DRIVER = process.env.WEBKIT_WEBDRIVER ?? '/usr/bin/WebKitWebDriver';

const chosen = (process.env.BROWSERS ?? ENGINES.join(','))
  .split(',')
  .map((name) => name.trim().toLowerCase())
  .filter(Boolean);
const unknown = chosen.filter((name) => !ENGINES.includes(name));
if (unknown.length > 0 || chosen.length === 0) {
  console.error(`BROWSERS=${process.env.BROWSERS}: expected a comma list of ${ENGINES.join(', ')}`);
  process.exit(2);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the exit code of `command` (its output goes to ours). */
function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (error) => {
      console.error(`${command}: ${error.message}`);
      resolve(1);
    });
  });
}

/**
 * WebKitGTK has no headless mode: WebKitWebDriver (and the MiniBrowser it starts) runs under
 * Xvfb, with a GTK configuration of its own (a temporary XDG_CONFIG_HOME) so that the user's
 * desktop settings do not change what the tests see. Resolves once GET /status answers ready.
 */
async function startWebKitDriver() {
  const configHome = await mkdtemp(join(tmpdir(), 'santa-chat-webkit-'));
  await mkdir(join(configHome, 'gtk-3.0'));
  // WebKitGTK reports prefers-reduced-motion: reduce when GTK animations are off: WebKit's run
  // sees the widget without motion (Chromium's emulates both, Firefox's has motion).
  // And a light theme, whatever the desktop's: WebKit's run sees a light system colour scheme.
  await writeFile(join(configHome, 'gtk-3.0', 'settings.ini'), '[Settings]\ngtk-enable-animations=false\ngtk-application-prefer-dark-theme=false\n');
  const port = await freePort();
  const driver = spawn('xvfb-run', [...XVFB_ARGS, WEBKIT_DRIVER, `--port=${port}`, '--host=127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'GTK_THEME')), XDG_CONFIG_HOME: configHome },
  });
  let exited = false;
  driver.on('exit', () => (exited = true));
  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-driver.pid, 'SIGTERM');
      } catch {}
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    }
    await rm(configHome, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline && !exited) {
    try {
      const status = await (await fetch(`http://127.0.0.1:${port}/status`)).json();
      if (status?.value?.ready) return { port, stop };
    } catch {}
    await sleep(200);
  }
  await stop();
  throw new Error(`WebKitWebDriver did not become ready on port ${port}`);
}

const wtr = ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js', ...process.argv.slice(2)];
const results = [];
for (const engine of chosen) {
  console.log(`\n== browser tests in ${engine}`);
  const started = Date.now();
  let code;
  if (engine === 'webkit') {
    let driver;
    // The driver runs in a process group of its own: stop it on Ctrl-C too.
    const interrupted = async () => {
      await driver?.stop();
      process.exit(130);
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    try {
      driver = await startWebKitDriver();
      code = await run(process.execPath, wtr, { SANTA_CHAT_ENGINE: engine, WEBKIT_WEBDRIVER_PORT: String(driver.port) });
    } catch (error) {
      console.error(String(error?.message ?? error));
      code = 1;
    } finally {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      await driver?.stop();
    }
  } else {
    code = await run(process.execPath, wtr, { SANTA_CHAT_ENGINE: engine });
  }
  results.push({ engine, code, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log('\n== browser tests per engine');
for (const { engine, code, seconds } of results) console.log(`${engine.padEnd(9)} ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s`);
process.exit(results.every(({ code }) => code === 0) ? 0 : 1);
