/**
 * The end-to-end test drives Debian's Chromium (or CHROME_PATH); nothing downloads a browser.
 * A missing Chromium is installed when running as root, else the error says what to run.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const INSTALL = 'apt-get install -y chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function aptGet(args: string[]): boolean {
  // The child's output goes to stderr: the test runner reads stdout as its own protocol.
  const result = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

/** The Chromium executable to launch, installing Debian's package first if needed and allowed. */
export function ensureChromium(): string {
  const configured = process.env.CHROME_PATH;
  const path = configured ?? '/usr/bin/chromium';
  if (isExecutable(path)) return path;
  if (configured !== undefined) {
    throw new Error(`CHROME_PATH=${configured} is not an executable file: point it at Chromium or Chrome, or unset it and run: sudo ${INSTALL}`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is missing at ${path}. Install it with: sudo ${INSTALL} (or set CHROME_PATH to a Chromium or Chrome binary).`);
  }
  process.stderr.write(`# Chromium is missing at ${path}; running: ${INSTALL}\n`);
  const installArgs = ['install', '-y', '--no-install-recommends', 'chromium'];
  if (!aptGet(installArgs)) {
    // A fresh machine may have no package lists yet.
    aptGet(['update']);
    aptGet(installArgs);
  }
  if (isExecutable(path)) return path;
  throw new Error(`Installing Chromium failed; run it yourself and retry: ${INSTALL}`);
}
