/**
 * A per-user rate limit shared by every relay process (stored messages, HTTP requests): one sorted set per user in Redis
 * (a member per stored message, scored by its time), checked and added to atomically by a
 * Lua script, expiring with the window. While Redis is unreachable each process falls back
 * to its own in-memory window, so the limit still holds per process and sends never fail.
 */
import { OutageLog, RedisScript, type Redis } from './redis-connection.js';
import type { Logger } from '../core/logger.js';
import { MemoryRateLimiter, type RateLimiter } from '../limits/rate-limiter.js';

/** KEYS[1] the user's set; ARGV now, windowMs, limit, member. Returns 0 or the ms to wait. */
const TAKE = new RedisScript(`
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 0
`);

/** KEYS[1] the user's set; ARGV at. Any one slot taken at `at` is as good as another. */
const RELEASE = new RedisScript(`
local taken = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, 1)
if taken[1] then redis.call('ZREM', KEYS[1], taken[1]) end
return 0
`);

export interface RedisRateLimiterOptions {
  redis: Redis;
  limit: number;
  windowMs: number;
  /** Keys are `${prefix}:rate:${key}`. */
  prefix: string;
  /** Makes members unique across processes. */
  nodeId: string;
  logger: Logger;
  /** What is limited, for the log when Redis is away (e.g. "message rate limit"). */
  what: string;
}

export class RedisRateLimiter implements RateLimiter {
  readonly #options: RedisRateLimiterOptions;
  readonly #fallback: MemoryRateLimiter;
  /** Slots the fallback gave out (and when), so their release goes back to it. */
  readonly #takenLocally = new Map<string, number>();
  readonly #outage: OutageLog;
  #counter = 0;

  constructor(options: RedisRateLimiterOptions) {
    this.#options = options;
    this.#fallback = new MemoryRateLimiter(options.limit, options.windowMs);
    this.#outage = new OutageLog(options.logger, `${options.what} (falling back to this relay alone)`);
  }

  async take(key: string, now: number): Promise<number> {
    const { redis, limit, windowMs, nodeId } = this.#options;
    if (redis.status === 'ready') {
      try {
        const member = `${now}:${nodeId}:${(this.#counter += 1)}`;
        const waitMs = Number(await TAKE.run(redis, [this.#key(key)], [now, windowMs, limit, member]));
        this.#outage.recovered();
        return waitMs;
      } catch (error) {
        this.#outage.failed(error);
      }
    }
    const waitMs = await this.#fallback.take(key, now);
    if (waitMs === 0) this.#rememberLocal(`${key}\u0000${now}`, now);
    return waitMs;
  }

  async release(key: string, at: number): Promise<void> {
    if (this.#takenLocally.delete(`${key}\u0000${at}`)) {
      await this.#fallback.release(key, at);
      return;
    }
    // Not given back, the slot frees itself when the window passes.
    await RELEASE.run(this.#options.redis, [this.#key(key)], [at]).catch(() => undefined);
  }

  #rememberLocal(slot: string, now: number): void {
    if (this.#takenLocally.size >= 10_000) {
      // A slot older than the window has nothing left to give back.
      for (const [old, at] of this.#takenLocally) if (at <= now - this.#options.windowMs) this.#takenLocally.delete(old);
    }
    this.#takenLocally.set(slot, now);
  }

  #key(key: string): string {
    return `${this.#options.prefix}:rate:${key}`;
  }
}
