/**
 * Runs the real `npm start` server (`demo/start.mjs`: build if stale, relay in demo mode) on a
 * free port with its own data folder, and stops it with its whole process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const START = fileURLToPath(new URL('../../demo/start.mjs', import.meta.url));
const STARTUP_TIMEOUT_MS = 180_000;

export interface DemoServer {
  /** The demo's address as printed, e.g. `http://localhost:40123/`. */
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export function startDemoServer(dataDir: string): Promise<DemoServer> {
  const child = spawn(process.execPath, [START], {
    env: { ...process.env, PORT: '0', SANTA_CHAT_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() reaches the relay that start.mjs spawned too.
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // Already gone.
      }
    };
    signalGroup('SIGTERM');
    const killTimer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killTimer);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the demo did not start within ${STARTUP_TIMEOUT_MS / 1000} s; output:\n${output}`));
    }, STARTUP_TIMEOUT_MS);
    const onData = (): void => {
      const match = /santa-chat demo: (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({ url: match[1], child, output: () => output, stop });
    };
    child.stdout?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the demo exited before it was ready; output:\n${output}`));
    });
  });
}
