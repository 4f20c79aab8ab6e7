/**
 * `bench:relay`'s own targets, the first design's (bench/RESULTS.md, "Targets"), judged on a
 * run: 100 % delivered and p99 ≤ 25 ms at the largest socket count × 10,000/s, every ACKed
 * message stored, unthrottled at least 0.6 of the baseline and above Socket.IO's published
 * figure, and the relay's memory per idle socket. With `--repeat`, each load's figures are the
 * medians of its runs on the empty database (delivered and lost summed). A target the run cannot
 * judge (no baseline beside an unthrottled relay, with `--only=relay`) is shown as not judged,
 * unless what it can judge already misses. Issue #17's targets are `hot-path-targets.ts`.
 */
import type { Target } from './generator-protocol.js';
import { integer, KIB, kib, ms, percent } from './format.js';
import { runsOf, type ScenarioResult, type TargetCheck } from './scenario-result.js';
import { median } from './stats.js';

/** Socket.IO's published figure the first design compares with. */
export const SOCKET_IO_MESSAGES_PER_SECOND = 16_500;

export function checkDesignTargets(results: readonly ScenarioResult[], drainMs: number): TargetCheck[] {
  // Each load's runs on the empty database; with `--repeat`, figures are their medians.
  const runs = (target: Target, sockets: number, rate: number | null): ScenarioResult[] => runsOf(results, target, sockets, rate);
  const sum = (scenarios: readonly ScenarioResult[], pick: (scenario: ScenarioResult) => number): number =>
    scenarios.reduce((total, scenario) => total + pick(scenario), 0);
  const checks: TargetCheck[] = [];
  const largest = Math.max(...results.map((result) => result.sockets));
  const paced = runs('relay', largest, 10_000);
  if (paced.length > 0) {
    const lost = sum(paced, (s) => s.lost);
    const share = sum(paced, (s) => s.run.delivered) / sum(paced, (s) => s.run.sent);
    const p99 = median(paced.map((s) => s.run.endToEnd.p99));
    const each = paced.length === 1 ? '' : `, median of ${paced.length} runs`;
    checks.push({
      target: `${integer(largest)} sockets, 10,000/s offered: 100% delivered`,
      met: lost === 0 && sum(paced, (s) => s.run.refused) === 0,
      detail: `${percent(share)} delivered within the run and ${drainMs / 1000} s of drain (${integer(lost)} not delivered); ${integer(median(paced.map((s) => s.deliveredPerSecond)))}/s delivered while offered 10,000/s${each}`,
    });
    checks.push({
      target: 'end-to-end p99 ≤ 25 ms',
      met: p99 <= 25,
      detail: `p99 ${ms(p99)} ms (${(p99 / 25).toFixed(1)}× the target${each})`,
    });
  }
  // Every relay scenario of the run (each repeat, each load, each history).
  const checked = results.filter((result) => result.target === 'relay' && result.stored);
  const acked = sum(checked, (s) => s.stored?.acked ?? 0);
  const missing = sum(checked, (s) => s.stored?.missing ?? 0);
  checks.push({
    target: 'each message stored before its ACK',
    met: checked.length > 0 ? missing === 0 : null,
    detail:
      checked.length > 0
        ? `${integer(acked - missing)} of ${integer(acked)} ACKed messages found in the database, over ${checked.length} relay scenario${checked.length === 1 ? '' : 's'}`
        : 'not checked',
  });
  for (const sockets of [...new Set(results.map((result) => result.sockets))]) {
    const max = runs('relay', sockets, null);
    const base = runs('baseline', sockets, null);
    if (max.length === 0) continue;
    const rate = median(max.map((s) => s.deliveredPerSecond));
    const baseRate = base.length > 0 ? median(base.map((s) => s.deliveredPerSecond)) : NaN;
    const share = rate / baseRate;
    const stored = max.every((s) => s.stored !== undefined);
    const storedAcked = sum(max, (s) => s.stored?.acked ?? 0);
    const storedMissing = sum(max, (s) => s.stored?.missing ?? 0);
    // Without a baseline in the run, only Socket.IO's figure and the storage can be judged.
    const absolute = rate > SOCKET_IO_MESSAGES_PER_SECOND && stored && storedMissing === 0;
    const against = base.length > 0 ? ` = ${share.toFixed(2)} of the baseline's ${integer(baseRate)}/s` : ' (no baseline in this run to compare with: --only=relay)';
    checks.push({
      target: `${integer(sockets)} sockets unthrottled: ≥ 0.6 of the baseline and > ${integer(SOCKET_IO_MESSAGES_PER_SECOND)}/s, every message stored`,
      met: base.length > 0 ? share >= 0.6 && absolute : absolute ? null : false,
      detail: `${integer(rate)}/s${against}, ${(rate / SOCKET_IO_MESSAGES_PER_SECOND).toFixed(2)} of Socket.IO's${max.length === 1 ? '' : ` (medians of ${max.length}${base.length > 0 ? ` and ${base.length}` : ''} runs)`}; ${stored ? `${integer(storedAcked - storedMissing)}/${integer(storedAcked)} ACKed stored` : 'not checked in the database'}`,
    });
  }
  const idle = results.filter((result) => result.target === 'relay' && result.sockets === largest);
  if (idle.length > 0) {
    const whole = median(idle.map((result) => result.memory.rssPerIdleSocket));
    const secondHalf = median(idle.map((result) => result.memory.rssPerIdleSocketSecondHalf));
    const heap = median(idle.map((result) => result.memory.heapPerIdleSocket));
    // Judged on the largest of the three readings, so allocator reuse cannot flatter it.
    const worst = Math.max(whole, secondHalf, heap);
    checks.push({
      target: `≤ 12 KiB relay memory per idle authenticated socket at ${integer(largest)}`,
      met: worst <= 12 * KIB,
      detail: `RSS ${kib(whole)} per socket over all ${integer(largest)}, ${kib(secondHalf)} over the second half, V8 heap+external ${kib(heap)} (medians of ${idle.length} scenarios; judged on the largest)`,
    });
  }
  return checks;
}
