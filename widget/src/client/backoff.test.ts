import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('is random * min(max, base * 2^attempt)', () => {
    assert.equal(backoffDelay(0, () => 0.5), 250);
    assert.equal(backoffDelay(3, () => 0.5), 2_000);
    assert.equal(backoffDelay(10, () => 0.5), 10_000);
    assert.equal(backoffDelay(2, () => 0.25, 100, 1_000), 100);
  });

  it('starts at 0 with random 0 (full jitter) and never reaches the cap', () => {
    assert.equal(backoffDelay(5, () => 0), 0);
    assert.ok(backoffDelay(50, () => 0.999_999) < 20_000);
  });

  it('stays within [0, min(max, base * 2^attempt)) for any attempt, even huge ones', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const delay = backoffDelay(attempt, () => random);
        const ceiling = Math.min(20_000, 500 * 2 ** attempt);
        return Number.isInteger(delay) && delay >= 0 && delay < Math.max(ceiling, 1);
      }),
    );
  });
});
