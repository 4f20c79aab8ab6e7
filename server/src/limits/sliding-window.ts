/**
 * Counts events per key over a sliding window, e.g. "10 stored messages per 10 s per user".
 * Timestamps are kept per key (at most `limit` of them), so memory stays bounded by the
 * number of active keys times the limit. Idle keys are swept on use.
 */
export class SlidingWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #eventsByKey = new Map<string, number[]>();
  #lastSweep = 0;

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /**
   * Takes one slot for `key` when the window has room and returns 0; otherwise takes nothing
   * and returns how many milliseconds until a slot frees up.
   */
  take(key: string, now: number): number {
    this.#sweep(now);
    const events = this.#recent(key, now);
    if (events.length >= this.#limit) {
      return Math.max(1, (events[0] ?? now) + this.#windowMs - now);
    }
    events.push(now);
    return 0;
  }

  /** Gives back a slot taken at `at` (the action it allowed was refused after all). */
  release(key: string, at: number): void {
    const events = this.#eventsByKey.get(key);
    if (!events) return;
    const index = events.lastIndexOf(at);
    if (index !== -1) events.splice(index, 1);
  }

  #recent(key: string, now: number): number[] {
    let events = this.#eventsByKey.get(key);
    if (!events) {
      events = [];
      this.#eventsByKey.set(key, events);
      return events;
    }
    const horizon = now - this.#windowMs;
    let expired = 0;
    while (expired < events.length && (events[expired] ?? 0) <= horizon) expired += 1;
    if (expired > 0) events.splice(0, expired);
    return events;
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < this.#windowMs) return;
    this.#lastSweep = now;
    const horizon = now - this.#windowMs;
    for (const [key, events] of this.#eventsByKey) {
      if (events.length === 0 || (events[events.length - 1] ?? 0) <= horizon) this.#eventsByKey.delete(key);
    }
  }
}
