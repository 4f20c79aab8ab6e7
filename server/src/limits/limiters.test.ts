/**
 * The relay's limits in one process: the sliding window (take, refuse with the time until a
 * slot frees, release, per key), the memory limiter over it, and the
 * three shapes built from `RelayLimits` (docs/protocol.md §4). The Redis shapes are in
 * `cluster/redis-rate-limiter.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '../../../protocol/index.js';
import { limiterShapes, memoryLimiters } from './limiters.js';
import { MemoryRateLimiter } from './rate-limiter.js';
import { DEFAULT_LIMITS } from './relay-limits.js';
import { SlidingWindowLimiter } from './sliding-window.js';

describe('SlidingWindowLimiter', () => {
  it('allows `limit` events per window, then answers the ms until the oldest leaves it', () => {
    const window = new SlidingWindowLimiter(3, 10_000);
    assert.equal(window.take('alice', 1_000), 0);
    assert.equal(window.take('alice', 2_000), 0);
    assert.equal(window.take('alice', 4_000), 0);
    assert.equal(window.take('alice', 5_000), 6_000, 'the event at 1000 leaves the window at 11000');
    assert.equal(window.take('alice', 10_999), 1);
    // A refusal takes nothing: the window slides as if it had not been asked.
    assert.equal(window.take('alice', 11_000), 0);
    assert.equal(window.take('alice', 11_500), 500, 'the event at 2000 leaves at 12000');
    assert.equal(window.take('alice', 12_000), 0);
  });

  it('keeps one window per key', () => {
    const window = new SlidingWindowLimiter(1, 10_000);
    assert.equal(window.take('alice', 0), 0);
    assert.ok(window.take('alice', 1) > 0);
    assert.equal(window.take('bob', 1), 0);
    assert.ok(window.take('bob', 2) > 0);
  });

  it('gives back a slot on release, only the one taken at that moment, and ignores unknown keys', () => {
    const window = new SlidingWindowLimiter(2, 10_000);
    assert.equal(window.take('alice', 100), 0);
    assert.equal(window.take('alice', 200), 0);
    assert.ok(window.take('alice', 300) > 0);
    window.release('alice', 999);
    assert.ok(window.take('alice', 300) > 0, 'a release of a moment never taken frees nothing');
    window.release('alice', 200);
    assert.equal(window.take('alice', 300), 0);
    assert.equal(window.take('alice', 400), 9_700, 'the slot at 100 is still held');
    window.release('nobody', 100);
  });

  it('gives a key whose events all left the window a whole window again, also after other keys were swept', () => {
    const window = new SlidingWindowLimiter(2, 1_000);
    assert.equal(window.take('alice', 0), 0);
    assert.equal(window.take('alice', 10), 0);
    assert.equal(window.take('bob', 500), 0);
    // Past a window: the sweep on this take drops alice's expired events, not bob's live one.
    assert.equal(window.take('cleo', 1_200), 0);
    assert.equal(window.take('alice', 1_200), 0);
    assert.equal(window.take('alice', 1_300), 0);
    assert.equal(window.take('alice', 1_400), 800);
    assert.equal(window.take('bob', 1_200), 0);
    assert.equal(window.take('bob', 1_300), 200, 'bob\'s event at 500 was kept');
  });
});

describe('MemoryRateLimiter', () => {
  it('resolves what its window answers, and release frees the slot', async () => {
    const limiter = new MemoryRateLimiter(1, 60_000);
    assert.equal(await limiter.take('alice', 0), 0);
    assert.equal(await limiter.take('alice', 10_000), 50_000);
    await limiter.release('alice', 0);
    assert.equal(await limiter.take('alice', 10_000), 0);
  });
});

describe('the three limits', () => {
  it('take their shapes from RelayLimits: messages per window, requests per minute, one TYPING per interval', () => {
    const limits = { ...DEFAULT_LIMITS, rateMessages: 4, rateWindowMs: 2_000, httpRequestsPerMinute: 7, typingIntervalMs: 3_000 };
    assert.deepEqual(limiterShapes(limits), {
      message: { limit: 4, windowMs: 2_000 },
      request: { limit: 7, windowMs: 60_000 },
      typing: { limit: 1, windowMs: 3_000 },
    });
  });

  it('default to the protocol\'s numbers', () => {
    const shapes = limiterShapes(DEFAULT_LIMITS);
    assert.deepEqual(shapes.message, { limit: LIMITS.rateMessages, windowMs: LIMITS.rateWindowMs });
    assert.deepEqual(shapes.request, { limit: LIMITS.httpRequestsPerMinute, windowMs: 60_000 });
    assert.deepEqual(shapes.typing, { limit: 1, windowMs: LIMITS.typingIntervalMs });
  });

  it('are built in memory as separate limiters with those shapes', async () => {
    const limiters = memoryLimiters({ ...DEFAULT_LIMITS, rateMessages: 2, rateWindowMs: 1_000, httpRequestsPerMinute: 3, typingIntervalMs: 500 });
    const takes = async (name: keyof typeof limiters, count: number): Promise<number[]> => {
      const answers: number[] = [];
      for (let index = 0; index < count; index += 1) answers.push(await limiters[name].take('alice', 100));
      return answers;
    };
    assert.deepEqual(await takes('message', 3), [0, 0, 1_000]);
    assert.deepEqual(await takes('request', 4), [0, 0, 0, 60_000]);
    assert.deepEqual(await takes('typing', 2), [0, 500]);
  });
});
