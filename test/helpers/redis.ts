/**
 * Redis for tests: the developer's server (`SANTA_CHAT_TEST_REDIS_URL`, default
 * 127.0.0.1:6379) for tests that only talk to it, and a `redis-server` of the test's own on a
 * free port for tests that kill and restart it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { checkService, type ServiceStatus } from './services.js';

export const TEST_REDIS_URL = process.env.SANTA_CHAT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The shared Redis answers PING. */
export function checkRedis(url = TEST_REDIS_URL): Promise<ServiceStatus> {
  return checkService({
    name: 'Redis',
    url,
    start: 'redis-server --daemonize yes (or: sudo systemctl start redis-server)',
    probe: () => pingRedis(url),
  });
}

/** `redis-server` can be started by the test itself (tests that kill and restart Redis). */
export function checkRedisServerBinary(): Promise<ServiceStatus> {
  return checkService({
    name: 'redis-server',
    url: 'redis-server on PATH',
    start: 'sudo apt-get install redis-server (the tests start their own redis-server on a free port)',
    probe: async () => {
      const server = await RedisServer.start();
      await server.stop();
    },
  });
}

export async function pingRedis(url: string, timeoutMs = 3000): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: Error | undefined;
  redis.on('error', (error: Error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    // ioredis rejects with "Connection is closed."; the socket's error says why.
    throw cause ?? error;
  } finally {
    redis.disconnect();
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A `redis-server` of the test's own, without persistence: a restart forgets everything. */
export class RedisServer {
  readonly port: number;
  #child: ChildProcess | null = null;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(port?: number): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()));
    await server.#launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** SIGKILL: Redis vanishes at once, as in a crash. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts again on the same port (empty, as after a crash without persistence). */
  async restart(): Promise<void> {
    await this.kill();
    await this.#launch();
  }

  async stop(): Promise<void> {
    await this.kill();
  }

  async #launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: 'ignore' },
    );
    this.#child = child;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) on port ${this.port}`)));
    });
    // Only the start-up watches it; a later exit (kill) is expected.
    failed.catch(() => undefined);
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await Promise.race([pingRedis(this.url, 500), failed]);
        return;
      } catch (error) {
        if (Date.now() > deadline || child.exitCode !== null) {
          child.kill('SIGKILL');
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
