/**
 * Runs the relay as its own process (`server/src/main.ts`, as `npm run relay` does), so a
 * test can SIGKILL it and start it again on the same database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../server/src/main.ts', import.meta.url));
/** The demo's entry point (what `npm start` runs): the relay with the demo composed onto it. */
export const DEMO_MAIN = fileURLToPath(new URL('../../demo/server/main.ts', import.meta.url));

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export function spawnRelay(env: Record<string, string>, main = MAIN): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start in 20 s; stderr: ${err}`)), 20_000);
    const onData = (): void => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({ child, url: match[1], stdout: () => out, stderr: () => err, exited });
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited (${code}) before listening; stderr: ${err}`));
    });
  });
}

/** Runs the relay expecting it to refuse to start; resolves with its exit code and output. */
export function runRelayExpectingFailure(env: Record<string, string>): Promise<{ code: number | string; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code: code ?? signal ?? 'unknown', stderr, stdout })));
}
