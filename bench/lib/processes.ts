/**
 * Starts a server under test as its own Node process and reads the address it prints (and,
 * with `--inspect=127.0.0.1:0`, its inspector's), like test/helpers/process.ts does for the
 * relay. Every wait has a deadline; `stop()` escalates from SIGTERM to SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Set when the process was started with `--inspect=127.0.0.1:0`. */
  inspectorUrl: string | undefined;
  exited: Promise<number | string>;
  stderr: () => string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string>;
}

export interface ServerOptions {
  name: string;
  nodeArgs: string[];
  script: string;
  env: Record<string, string>;
  /** Group 1 is the URL. */
  listening: RegExp;
  timeoutMs?: number;
}

export function startServer(options: ServerOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...options.nodeArgs, options.script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const inspects = options.nodeArgs.some((arg) => arg.startsWith('--inspect'));
  const timeoutMs = options.timeoutMs ?? 30_000;

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not start in ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    const check = (): void => {
      const url = options.listening.exec(out)?.[1];
      const inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(err)?.[1];
      if (url === undefined || (inspects && inspectorUrl === undefined) || child.pid === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      const pid = child.pid;
      resolve({
        child,
        pid,
        url,
        inspectorUrl,
        exited,
        stderr: () => err,
        async stop(graceMs = 15_000) {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const result = await exited;
          clearTimeout(killer);
          return result;
        },
      });
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}) before listening; stderr: ${err}`));
    });
  });
}

/** Runs `task` over `items` with at most `limit` at a time; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with `what` when `promise` has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
