import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, percentile, summarize } from './stats.js';

test('median: the middle value, or the mean of the two middle ones', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([40, 10]), 25);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});

test('percentile: nearest rank of an ascending array', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, index) => index + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('summarize: sorts, and rounds to three decimals', () => {
  const summary = summarize([5, 1.23456, 3]);
  assert.deepEqual(summary, { count: 3, p50: 3, p95: 5, p99: 5, max: 5, mean: 3.078 });
});
