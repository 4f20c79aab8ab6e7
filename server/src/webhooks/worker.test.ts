/**
 * The retry schedule of the webhook loop: exponential from the base, capped at an hour, with
 * jitter over the upper half of each step (docs/decisions/0017-webhook-queue.md). The loop
 * itself runs through real relays and receivers in `test/webhooks*.test.ts`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs } from './worker.js';

const HOUR_MS = 3600_000;

describe('backoffMs', () => {
  it('doubles from the base with each attempt, between half the step and the whole step', () => {
    for (const [attempts, step] of [
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [6, 32_000],
    ] as const) {
      assert.equal(backoffMs(attempts, 1_000, () => 0), step / 2, `attempt ${attempts}, no jitter`);
      assert.equal(backoffMs(attempts, 1_000, () => 0.5), (step * 3) / 4, `attempt ${attempts}, half jitter`);
      assert.equal(backoffMs(attempts, 1_000, () => 1), step, `attempt ${attempts}, full jitter`);
    }
  });

  it('treats attempt 0 like the first', () => {
    assert.equal(backoffMs(0, 1_000, () => 1), 1_000);
  });

  it('never waits more than an hour, however many attempts', () => {
    assert.equal(backoffMs(13, 1_000, () => 1), HOUR_MS);
    assert.equal(backoffMs(200, 1_000, () => 0), HOUR_MS / 2);
    assert.equal(backoffMs(200, 1_000, () => 1), HOUR_MS);
  });

  it('spreads retries with Math.random by default', () => {
    const waits = new Set(Array.from({ length: 50 }, () => backoffMs(10, 1_000)));
    assert.ok(waits.size > 1, 'fifty retries of one step all waited the same');
    for (const wait of waits) assert.ok(wait >= 256_000 && wait <= 512_000, String(wait));
  });
});
