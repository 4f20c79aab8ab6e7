import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDesignTargets } from './design-targets.js';
import type { ScenarioResult, TargetCheck } from './scenario-result.js';

interface Figures {
  perSecond?: number;
  p99?: number;
  lost?: number;
  sent?: number;
  acked?: number;
  missing?: number;
  rss?: number;
}

/** A scenario with only the figures the checks read (the rest is not looked at). */
function scenario(target: 'relay' | 'baseline', sockets: number, rate: number | null, figures: Figures = {}): ScenarioResult {
  const { perSecond = 10_000, p99 = 10, lost = 0, sent = 100_000, acked = 100_000, missing = 0, rss = 4 * 1024 } = figures;
  return {
    target,
    sockets,
    rate,
    history: 0,
    lost,
    deliveredPerSecond: perSecond,
    run: { endToEnd: { p99 }, sent, delivered: sent - lost, refused: 0 },
    memory: { rssPerIdleSocket: rss, rssPerIdleSocketSecondHalf: rss, heapPerIdleSocket: rss },
    ...(target === 'relay' ? { stored: { acked, missing } } : {}),
  } as unknown as ScenarioResult;
}

const find = (checks: TargetCheck[], start: string): TargetCheck => {
  const check = checks.find((candidate) => candidate.target.startsWith(start));
  assert.ok(check, `no check starting "${start}" in: ${checks.map((candidate) => candidate.target).join(' | ')}`);
  return check;
};

test('unthrottled: at least 0.6 of the baseline and above Socket.IO\'s figure, judged beside a baseline', () => {
  const met = checkDesignTargets([scenario('baseline', 1000, null, { perSecond: 30_000 }), scenario('relay', 1000, null, { perSecond: 18_000 })], 5_000);
  assert.equal(find(met, '1,000 sockets unthrottled').met, true);
  assert.match(find(met, '1,000 sockets unthrottled').detail, /18,000\/s = 0\.60 of the baseline's 30,000\/s, 1\.09 of Socket\.IO's; 100,000\/100,000 ACKed stored/);
  const missed = checkDesignTargets([scenario('baseline', 1000, null, { perSecond: 40_000 }), scenario('relay', 1000, null, { perSecond: 18_000 })], 5_000);
  assert.equal(find(missed, '1,000 sockets unthrottled').met, false);
});

test('unthrottled without a baseline in the run (--only=relay): not judged, unless what can be judged misses', () => {
  const alone = checkDesignTargets([scenario('relay', 1000, null, { perSecond: 25_983 })], 5_000);
  const check = find(alone, '1,000 sockets unthrottled');
  assert.equal(check.met, null);
  assert.match(check.detail, /25,983\/s \(no baseline in this run to compare with: --only=relay\), 1\.57 of Socket\.IO's/);
  assert.doesNotMatch(check.detail, /n\/a/);
  const slow = checkDesignTargets([scenario('relay', 1000, null, { perSecond: 12_000 })], 5_000);
  assert.equal(find(slow, '1,000 sockets unthrottled').met, false, 'below Socket.IO\'s figure misses whatever the baseline');
  const lost = checkDesignTargets([scenario('relay', 1000, null, { perSecond: 25_000, missing: 3 })], 5_000);
  assert.equal(find(lost, '1,000 sockets unthrottled').met, false, 'an ACKed message missing misses');
});

test('the largest socket count at 10,000/s: everything delivered and p99 ≤ 25 ms, over every repeat', () => {
  const checks = checkDesignTargets(
    [scenario('relay', 5000, 10_000, { p99: 20 }), scenario('relay', 5000, 10_000, { p99: 30, lost: 2 }), scenario('relay', 5000, 10_000, { p99: 24 })],
    5_000,
  );
  assert.equal(find(checks, '5,000 sockets, 10,000/s offered: 100% delivered').met, false);
  assert.match(find(checks, '5,000 sockets, 10,000/s offered').detail, /\(2 not delivered\)/);
  const p99 = find(checks, 'end-to-end p99 ≤ 25 ms');
  assert.equal(p99.met, true);
  assert.match(p99.detail, /p99 24\.0 ms \(1\.0× the target, median of 3 runs\)/);
});

test('every ACKed message stored, summed over every relay scenario; memory per idle socket at most 12 KiB', () => {
  const checks = checkDesignTargets(
    [scenario('relay', 1000, 10_000, { acked: 50_000, rss: 13 * 1024 }), scenario('relay', 1000, null, { acked: 70_000, missing: 1, perSecond: 20_000, rss: 12.5 * 1024 })],
    5_000,
  );
  const stored = find(checks, 'each message stored before its ACK');
  assert.equal(stored.met, false);
  assert.match(stored.detail, /119,999 of 120,000 ACKed messages found in the database, over 2 relay scenarios/);
  assert.equal(find(checks, '≤ 12 KiB relay memory per idle authenticated socket at 1,000').met, false);
  const baselineOnly = checkDesignTargets([scenario('baseline', 1000, 10_000)], 5_000);
  assert.equal(find(baselineOnly, 'each message stored before its ACK').met, null);
});
