/**
 * The three per-user limits and their shapes, written once (docs/protocol.md §4): stored
 * messages per sliding window, participant HTTP requests per minute, and one relayed TYPING
 * per interval per user and conversation. In one process they live in memory; with Redis,
 * `cluster/open-cluster.ts` builds the same shapes on Redis so they hold across relays.
 */
import type { RelayLimits } from './relay-limits.js';
import { MemoryRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface Limiters {
  message: RateLimiter;
  request: RateLimiter;
  typing: RateLimiter;
}

export type LimiterName = keyof Limiters;

export function limiterShapes(limits: RelayLimits): Record<LimiterName, { limit: number; windowMs: number }> {
  return {
    message: { limit: limits.rateMessages, windowMs: limits.rateWindowMs },
    request: { limit: limits.httpRequestsPerMinute, windowMs: 60_000 },
    typing: { limit: 1, windowMs: limits.typingIntervalMs },
  };
}

export function memoryLimiters(limits: RelayLimits): Limiters {
  const shapes = limiterShapes(limits);
  return {
    message: new MemoryRateLimiter(shapes.message.limit, shapes.message.windowMs),
    request: new MemoryRateLimiter(shapes.request.limit, shapes.request.windowMs),
    typing: new MemoryRateLimiter(shapes.typing.limit, shapes.typing.windowMs),
  };
}
