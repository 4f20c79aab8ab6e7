/**
 * Issue #17's targets (the relay's hot path), judged on a `bench:relay` run: each figure is the
 * median over the run's repeats of a scenario (`--repeat=3` alternates them), and each ratio is
 * relay ÷ baseline, or history ÷ empty database, of those medians in the same run. Only the
 * issue's loads count (1,000 and 5,000 sockets; `--quick`'s 200 are not judged); a target whose
 * scenarios the run did not include is left out; one the issue words loosely ("p99 no worse",
 * "reads stay flat") is shown with its figures and not judged.
 */
import type { ScenarioResult, TargetCheck } from './scenario-result.js';
import { median } from './stats.js';

/** The issue's bound on CPU per delivered message, relay ÷ baseline. */
export const CPU_RATIO_LIMIT = 2.5;
/** Unthrottled delivered/s, relay ÷ baseline, at least. */
export const UNTHROTTLED_SHARE = 0.5;
/** End-to-end p99 at 10,000/s offered, by socket count. */
export const PACED_P99_LIMIT_MS: Readonly<Record<number, number>> = { 1000: 25, 5000: 100 };
/** Half of the 11.7 KiB of WAL per message the issue measured under load. */
export const WAL_LIMIT_BYTES = (11.7 * 1024) / 2;
/** Writes/s with history, against the empty database in the same run, at least. */
export const HISTORY_SHARE = 0.85;

/** The issue's loads: these socket counts, 10,000/s offered and unthrottled. */
export const ISSUE_SIZES: readonly number[] = [1000, 5000];
const PACED = 10_000;

type Pick = (scenario: ScenarioResult) => number;

const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const times = (value: number): string => `${value.toFixed(2)}×`;
const ofRuns = (...counts: number[]): string => (counts.every((n) => n === 1) ? 'one run each' : `medians of ${counts.join(' and ')} runs`);
const label = (sockets: number, rate: number | null): string => `${count(sockets)} × ${rate === null ? 'unthrottled' : `${count(rate)}/s`}`;

export function hotPathTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  const runs = (target: ScenarioResult['target'], sockets: number, rate: number | null, history = 0): ScenarioResult[] =>
    results.filter((result) => result.target === target && result.sockets === sockets && result.rate === rate && (result.history ?? 0) === history);
  const of = (scenarios: readonly ScenarioResult[], pick: Pick): number => median(scenarios.map(pick));
  const loads = [
    ...new Map(
      results.filter((result) => ISSUE_SIZES.includes(result.sockets)).map((result) => [`${result.sockets}|${result.rate}`, { sockets: result.sockets, rate: result.rate }]),
    ).values(),
  ];
  const checks: TargetCheck[] = [];

  for (const { sockets, rate } of loads) {
    if (rate !== PACED && rate !== null) continue;
    const relay = runs('relay', sockets, rate);
    const baseline = runs('baseline', sockets, rate);
    if (relay.length === 0 || baseline.length === 0) continue;
    const relayCpu = of(relay, (s) => s.cpu.serverCpuUsPerMessage);
    const baselineCpu = of(baseline, (s) => s.cpu.serverCpuUsPerMessage);
    checks.push({
      target: `CPU per delivered message ≤ ${CPU_RATIO_LIMIT}× the baseline's, ${label(sockets, rate)}`,
      met: relayCpu / baselineCpu <= CPU_RATIO_LIMIT,
      detail: `${count(relayCpu)} ÷ ${count(baselineCpu)} µs = ${times(relayCpu / baselineCpu)} (${ofRuns(relay.length, baseline.length)})`,
    });
    if (rate === null) {
      const relayRate = of(relay, (s) => s.deliveredPerSecond);
      const baselineRate = of(baseline, (s) => s.deliveredPerSecond);
      checks.push({
        target: `unthrottled delivered/s ≥ ${UNTHROTTLED_SHARE}× the baseline's, ${count(sockets)} sockets`,
        met: relayRate / baselineRate >= UNTHROTTLED_SHARE,
        detail: `${count(relayRate)} ÷ ${count(baselineRate)}/s = ${times(relayRate / baselineRate)} (${ofRuns(relay.length, baseline.length)})`,
      });
    }
  }

  for (const [socketsText, limit] of Object.entries(PACED_P99_LIMIT_MS)) {
    const sockets = Number(socketsText);
    const relay = runs('relay', sockets, PACED);
    if (relay.length === 0) continue;
    const p99 = of(relay, (s) => s.run.endToEnd.p99);
    const lost = relay.reduce((total, s) => total + s.lost, 0);
    checks.push({
      target: `${label(sockets, PACED)}: everything delivered, p99 ≤ ${limit} ms`,
      met: lost === 0 && p99 <= limit,
      detail: `p99 ${p99.toFixed(1)} ms (${relay.length === 1 ? 'one run' : `median of ${relay.length} runs: ${relay.map((s) => s.run.endToEnd.p99.toFixed(1)).join(', ')}`}); ${count(lost)} not delivered`,
    });
  }

  const loaded = results.filter(
    (s) => s.target === 'relay' && ISSUE_SIZES.includes(s.sockets) && (s.history ?? 0) === 0 && (s.rate === PACED || s.rate === null) && s.storage,
  );
  if (loaded.length > 0) {
    const byLoad = loads
      .filter(({ rate }) => rate === PACED || rate === null)
      .map(({ sockets, rate }) => ({ sockets, rate, scenarios: loaded.filter((s) => s.sockets === sockets && s.rate === rate) }))
      .filter(({ scenarios }) => scenarios.length > 0)
      .map(({ sockets, rate, scenarios }) => ({ sockets, rate, bytes: of(scenarios, (s) => s.storage?.walBytesPerMessage ?? Number.NaN) }));
    const worst = Math.max(...byLoad.map(({ bytes }) => bytes));
    checks.push({
      target: `WAL per stored message ≤ ${(WAL_LIMIT_BYTES / 1024).toFixed(2)} KiB under load`,
      met: worst <= WAL_LIMIT_BYTES,
      detail: byLoad.map(({ sockets, rate, bytes }) => `${label(sockets, rate)} ${(bytes / 1024).toFixed(1)} KiB`).join('; '),
    });
  }

  const histories = [...new Set(results.map((s) => s.history ?? 0))].filter((history) => history > 0);
  for (const history of histories) {
    for (const { sockets, rate } of loads) {
      const full = runs('relay', sockets, rate, history);
      const empty = runs('relay', sockets, rate);
      if (full.length === 0 || empty.length === 0) continue;
      const ratioOf = (pick: Pick): number => of(full, pick) / of(empty, pick);
      const name = `${count(history)} messages stored, ${label(sockets, rate)}`;
      if (rate === null) {
        checks.push({
          target: `${name}: writes/s ≥ ${HISTORY_SHARE}× the empty database's`,
          met: ratioOf((s) => s.deliveredPerSecond) >= HISTORY_SHARE,
          detail: `${count(of(full, (s) => s.deliveredPerSecond))} ÷ ${count(of(empty, (s) => s.deliveredPerSecond))}/s = ${times(ratioOf((s) => s.deliveredPerSecond))} (${ofRuns(full.length, empty.length)})`,
        });
      }
      checks.push({
        target: `${name}: p99 no worse, reads flat`,
        met: null,
        detail:
          `e2e p99 ${times(ratioOf((s) => s.run.endToEnd.p99))}, history page p50 ${times(ratioOf((s) => s.reads?.historyPage.p50 ?? Number.NaN))}, ` +
          `conversation list p50 ${times(ratioOf((s) => s.reads?.conversationList.p50 ?? Number.NaN))} (against the empty database)`,
      });
    }
  }
  return checks;
}
