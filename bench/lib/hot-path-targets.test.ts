import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hotPathTargets } from './hot-path-targets.js';
import type { ScenarioResult } from './scenario-result.js';

interface Figures {
  cpu?: number;
  perSecond?: number;
  p99?: number;
  lost?: number;
  wal?: number;
  history?: number;
  page?: number;
}

/** A scenario with only the figures the checks read (the rest is not looked at). */
function scenario(target: 'relay' | 'baseline', sockets: number, rate: number | null, figures: Figures): ScenarioResult {
  const { cpu = 50, perSecond = 10_000, p99 = 10, lost = 0, wal, history = 0, page = 2 } = figures;
  return {
    target,
    sockets,
    rate,
    history,
    lost,
    deliveredPerSecond: perSecond,
    cpu: { serverCpuUsPerMessage: cpu },
    run: { endToEnd: { p99 } },
    ...(wal === undefined ? {} : { storage: { walBytesPerMessage: wal } }),
    reads: { historyPage: { p50: page }, conversationList: { p50: page } },
  } as unknown as ScenarioResult;
}

const find = (checks: ReturnType<typeof hotPathTargets>, start: string) => {
  const check = checks.find((candidate) => candidate.target.startsWith(start));
  assert.ok(check, `no check starting "${start}" in: ${checks.map((candidate) => candidate.target).join(' | ')}`);
  return check;
};

test('the CPU ratio is relay ÷ baseline of the medians over the repeats, at most 2.5', () => {
  const base = [30, 20, 28].map((cpu) => scenario('baseline', 1000, 10_000, { cpu }));
  const met = hotPathTargets([...base, ...[60, 100, 70].map((cpu) => scenario('relay', 1000, 10_000, { cpu }))]);
  assert.equal(find(met, 'CPU per delivered message ≤ 2.5× the baseline\'s, 1,000 × 10,000/s').met, true);
  assert.match(find(met, 'CPU').detail, /70 ÷ 28 µs = 2\.50× \(medians of 3 and 3 runs\)/);
  const missed = hotPathTargets([...base, ...[60, 100, 71].map((cpu) => scenario('relay', 1000, 10_000, { cpu }))]);
  assert.equal(find(missed, 'CPU').met, false);
});

test('unthrottled: the CPU ratio and at least half the baseline\'s delivered/s', () => {
  const checks = hotPathTargets([
    scenario('baseline', 5000, null, { cpu: 20, perSecond: 40_000 }),
    scenario('relay', 5000, null, { cpu: 40, perSecond: 18_800 }),
  ]);
  assert.equal(find(checks, 'CPU per delivered message ≤ 2.5× the baseline\'s, 5,000 × unthrottled').met, true);
  const share = find(checks, 'unthrottled delivered/s ≥ 0.5× the baseline\'s, 5,000 sockets');
  assert.equal(share.met, false);
  assert.match(share.detail, /18,800 ÷ 40,000\/s = 0\.47× \(one run each\)/);
});

test('p99 at 10,000/s: 25 ms at 1,000 sockets, 100 ms at 5,000, and nothing lost', () => {
  const checks = hotPathTargets([
    ...[20, 26, 30].map((p99) => scenario('relay', 1000, 10_000, { p99 })),
    scenario('relay', 5000, 10_000, { p99: 90, lost: 3 }),
  ]);
  assert.equal(find(checks, '1,000 × 10,000/s: everything delivered, p99 ≤ 25 ms').met, false);
  assert.match(find(checks, '1,000 × 10,000/s').detail, /p99 26\.0 ms \(median of 3 runs: 20\.0, 26\.0, 30\.0\)/);
  const lost = find(checks, '5,000 × 10,000/s: everything delivered, p99 ≤ 100 ms');
  assert.equal(lost.met, false, 'under 100 ms, but 3 messages never arrived');
});

test('WAL per message: the worst load\'s median, at most half of 11.7 KiB', () => {
  const kib = (value: number): number => value * 1024;
  const checks = hotPathTargets([
    scenario('relay', 1000, 10_000, { wal: kib(5.8) }),
    scenario('relay', 1000, null, { wal: kib(3.5) }),
    scenario('relay', 1000, 2000, { wal: kib(9) }),
  ]);
  const wal = find(checks, 'WAL per stored message');
  assert.equal(wal.met, true, 'a 2,000/s load (small batches) is not the issue\'s load');
  assert.doesNotMatch(wal.detail, /2,000\/s/);
  assert.equal(find(hotPathTargets([scenario('relay', 1000, 10_000, { wal: kib(5.9) })]), 'WAL').met, false);
});

test('history: unthrottled writes/s at least 0.85× the empty database\'s; p99 and reads shown, not judged', () => {
  const checks = hotPathTargets([
    ...[20_000, 21_000].map((perSecond) => scenario('relay', 1000, null, { perSecond, p99: 60 })),
    ...[16_800, 17_000].map((perSecond) => scenario('relay', 1000, null, { perSecond, history: 3_000_000, p99: 69, page: 3 })),
  ]);
  const writes = find(checks, '3,000,000 messages stored, 1,000 × unthrottled: writes/s ≥ 0.85×');
  assert.equal(writes.met, false);
  assert.match(writes.detail, /16,900 ÷ 20,500\/s = 0\.82×/);
  const shown = find(checks, '3,000,000 messages stored, 1,000 × unthrottled: p99 no worse, reads flat');
  assert.equal(shown.met, null);
  assert.match(shown.detail, /e2e p99 1\.15×, history page p50 1\.50×/);
});

test('a target whose scenarios the run left out is not reported', () => {
  assert.deepEqual(hotPathTargets([scenario('relay', 200, 2000, {})]), []);
  // --quick's 200 sockets are not the load, even with a baseline beside them.
  assert.deepEqual(hotPathTargets([scenario('baseline', 200, null, { cpu: 10 }), scenario('relay', 200, null, { cpu: 90, wal: 9999 })]), []);
  const relayOnly = hotPathTargets([scenario('relay', 1000, 10_000, {})]);
  assert.equal(relayOnly.some((check) => check.target.startsWith('CPU')), false, 'no ratio without the baseline');
});
