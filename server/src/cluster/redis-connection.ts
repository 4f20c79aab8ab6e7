/**
 * Opening a Redis connection the way every Redis part of the relay needs it: fail fast while
 * Redis is away (no offline queue, a command timeout), reconnect forever with a short backoff,
 * and log an outage once when it starts and once when it ends, not on every retry.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

export type { Redis };

/** A command waits this long for Redis before it fails (and the caller falls back). */
const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 2000;
/** How long the relay waits for Redis when it starts before it gives up with a sentence. */
const STARTUP_TIMEOUT_MS = 3000;

export interface RedisConnectionOptions {
  /** Shown by `CLIENT LIST`, e.g. `santa-chat:3f2a…:events`. */
  name: string;
  logger: Logger;
  startupTimeoutMs?: number;
  /**
   * Every this many ms a PING must be answered, or the connection is dropped and made again:
   * a connection can go silent without the socket noticing (a NAT or firewall forgot it).
   * 0 turns it off (a subscriber cannot PING; the bus probes it its own way). Default 5 s.
   */
  watchdogIntervalMs?: number;
}

/** Reconnect delay: 100 ms, doubling, at most 1 s (a restarted Redis is back within a second). */
function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 5), 1000);
}

/**
 * Connects and resolves once Redis answers. Unreachable at start-up, it rejects with a
 * `ConfigError` that says what to do; later outages are survived (see `OutageLog`).
 */
export async function connectRedis(url: string, options: RedisConnectionOptions): Promise<Redis> {
  checkRedisUrl(url);
  const redis = new Redis(url, {
    connectionName: options.name,
    lazyConnect: true,
    // A command while Redis is away fails at once instead of piling up in memory: every
    // caller has a fallback (local delivery, the local limiter) and catch-up repairs the rest.
    enableOfflineQueue: false,
    // Our own code re-subscribes, so it knows when the subscription is back (catch-up).
    autoResubscribe: false,
    // A command cut off by a drop has already failed for its caller; replaying it later
    // (a rate-limit slot, an old PUBLISH) would only do harm.
    autoResendUnfulfilledCommands: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // A connection dropped on purpose because it went silent will not close politely.
    disconnectTimeout: 500,
    keepAlive: 10_000,
    retryStrategy: reconnectDelay,
  });
  const outage = new OutageLog(options.logger, `redis connection ${options.name}`);
  redis.on('error', (error: Error) => outage.failed(error));
  redis.on('ready', () => outage.recovered());
  watchWithPing(redis, options);

  let lastError: Error | undefined;
  const remember = (error: Error): void => {
    lastError = error;
  };
  redis.on('error', remember);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer')), options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
      redis.connect().catch(() => undefined);
    });
  } catch (error) {
    redis.disconnect();
    const reason = lastError?.message || (error instanceof Error ? error.message : String(error));
    throw new ConfigError(
      `REDIS_URL: cannot reach Redis at ${redactRedisUrl(url)} (${reason}). Start Redis, or unset REDIS_URL to run a single relay.`,
    );
  } finally {
    redis.off('error', remember);
  }
  return redis;
}

/** PINGs a ready connection every `watchdogIntervalMs`; one left unanswered is dropped and reconnected. */
function watchWithPing(redis: Redis, options: RedisConnectionOptions): void {
  const watchdogIntervalMs = options.watchdogIntervalMs ?? 5000;
  if (watchdogIntervalMs <= 0) return;
  const watchdog = setInterval(() => {
    if (redis.status !== 'ready') return;
    redis.ping().catch((error: unknown) => {
      if (redis.status !== 'ready') return;
      options.logger.warn({ err: error, connection: options.name }, 'redis: no answer to PING; reconnecting');
      redis.disconnect(true);
    });
  }, watchdogIntervalMs);
  watchdog.unref();
  redis.once('end', () => clearInterval(watchdog));
}

/** Ends a connection politely, or at once when Redis is not answering. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}

function checkRedisUrl(url: string): void {
  if (!/^rediss?:\/\//.test(url)) {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${url.split(':')[0]}:…".`);
  }
}

/** The URL with any password replaced by `***`, for messages and logs. */
function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured REDIS_URL';
  }
}

/** Logs the first failure of an outage and its end; the failures in between stay quiet. */
export class OutageLog {
  readonly #logger: Logger;
  readonly #what: string;
  #down = false;

  constructor(logger: Logger, what: string) {
    this.#logger = logger;
    this.#what = what;
  }

  failed(error: unknown): void {
    if (this.#down) return;
    this.#down = true;
    this.#logger.warn({ err: error }, `${this.#what}: Redis unreachable; carrying on without it`);
  }

  recovered(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#logger.info(`${this.#what}: Redis reachable again`);
  }
}

/** A Lua script run by its SHA1 (`EVALSHA`), sent in full only when Redis does not know it yet. */
export class RedisScript {
  readonly #lua: string;
  readonly #sha: string;

  constructor(lua: string) {
    this.#lua = lua;
    this.#sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.#lua, keys.length, ...keys, ...args);
    }
  }
}
