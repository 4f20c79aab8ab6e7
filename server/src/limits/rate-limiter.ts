/**
 * The per-user message rate limit (docs/protocol.md §4: 10 stored messages per 10 s, sliding).
 * In one process it lives in memory; with Redis it holds across every relay process
 * (`redis-rate-limiter.ts`).
 */
import { SlidingWindowLimiter } from './sliding-window.js';

export interface RateLimiter {
  /** Takes a slot for `key` at `now` and resolves 0, or takes nothing and resolves the ms until one frees. */
  take(key: string, now: number): Promise<number>;
  /**
   * `take`, answered at once: only a limiter that lives in this process has it (the hot path
   * of a send then waits for nothing before its write is queued).
   */
  takeNow?(key: string, now: number): number;
  /** Gives back the slot taken at `at` (the action it allowed was refused after all). Never rejects. */
  release(key: string, at: number): Promise<void>;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #window: SlidingWindowLimiter;

  constructor(limit: number, windowMs: number) {
    this.#window = new SlidingWindowLimiter(limit, windowMs);
  }

  async take(key: string, now: number): Promise<number> {
    return this.#window.take(key, now);
  }

  takeNow(key: string, now: number): number {
    return this.#window.take(key, now);
  }

  async release(key: string, at: number): Promise<void> {
    this.#window.release(key, at);
  }
}
