/**
 * Issue #17's targets (the relay's hot path), judged on a `bench:relay` run: each figure is the
 * median over the run's repeats of a scenario (`--repeat=3` alternates them), and each ratio is
 * relay ÷ baseline, or history ÷ empty database, of those medians in the same run. Only the
 * issue's loads count (1,000 and 5,000 sockets; `--quick`'s 200 are not judged); a target whose
 * scenarios the run did not include is left out; one the issue words loosely ("p99 no worse",
 * "reads stay flat") is shown with its figures and not judged.
 */
import { integer as count, rateLabel } from './format.js';
import { runsOf, type ScenarioResult, type TargetCheck } from './scenario-result.js';
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

const times = (value: number): string => `${value.toFixed(2)}×`;
const ofRuns = (...counts: number[]): string => (counts.every((n) => n === 1) ? 'one run each' : `medians of ${counts.join(' and ')} runs`);
const label = (sockets: number, rate: number | null): string => `${count(sockets)} × ${rateLabel(rate)}`;

interface Load {
  sockets: number;
  rate: number | null;
}

/** The run's scenarios by what they ran, and the median of a figure over a scenario's repeats. */
class Runs {
  readonly results: readonly ScenarioResult[];
  /** The issue's loads this run has, in the run's order. */
  readonly loads: Load[];

  constructor(results: readonly ScenarioResult[]) {
    this.results = results;
    const issue = results.filter((result) => ISSUE_SIZES.includes(result.sockets));
    this.loads = [...new Map(issue.map((result) => [`${result.sockets}|${result.rate}`, { sockets: result.sockets, rate: result.rate }])).values()];
  }

  of(target: ScenarioResult['target'], { sockets, rate }: Load, history = 0): ScenarioResult[] {
    return runsOf(this.results, target, sockets, rate, history);
  }

  static median(scenarios: readonly ScenarioResult[], pick: Pick): number {
    return median(scenarios.map(pick));
  }
}

export function hotPathTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  const runs = new Runs(results);
  return [...againstBaseline(runs), ...pacedLatency(runs), ...walUnderLoad(runs), ...withHistory(runs)];
}

/** CPU per message at 10,000/s and unthrottled, and the unthrottled rate, against the baseline. */
function againstBaseline(runs: Runs): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const load of runs.loads) {
    if (load.rate !== PACED && load.rate !== null) continue;
    const relay = runs.of('relay', load);
    const baseline = runs.of('baseline', load);
    if (relay.length === 0 || baseline.length === 0) continue;
    const compare = (pick: Pick): { relay: number; baseline: number; ratio: number } => {
      const [a, b] = [Runs.median(relay, pick), Runs.median(baseline, pick)];
      return { relay: a, baseline: b, ratio: a / b };
    };
    const cpu = compare((s) => s.cpu.serverCpuUsPerMessage);
    checks.push({
      target: `CPU per delivered message ≤ ${CPU_RATIO_LIMIT}× the baseline's, ${label(load.sockets, load.rate)}`,
      met: cpu.ratio <= CPU_RATIO_LIMIT,
      detail: `${count(cpu.relay)} ÷ ${count(cpu.baseline)} µs = ${times(cpu.ratio)} (${ofRuns(relay.length, baseline.length)})`,
    });
    if (load.rate !== null) continue;
    const rate = compare((s) => s.deliveredPerSecond);
    checks.push({
      target: `unthrottled delivered/s ≥ ${UNTHROTTLED_SHARE}× the baseline's, ${count(load.sockets)} sockets`,
      met: rate.ratio >= UNTHROTTLED_SHARE,
      detail: `${count(rate.relay)} ÷ ${count(rate.baseline)}/s = ${times(rate.ratio)} (${ofRuns(relay.length, baseline.length)})`,
    });
  }
  return checks;
}

/** Everything delivered at 10,000/s, and the p99 bound of its socket count. */
function pacedLatency(runs: Runs): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const [socketsText, limit] of Object.entries(PACED_P99_LIMIT_MS)) {
    const sockets = Number(socketsText);
    const relay = runs.of('relay', { sockets, rate: PACED });
    if (relay.length === 0) continue;
    const p99 = Runs.median(relay, (s) => s.run.endToEnd.p99);
    const lost = relay.reduce((total, s) => total + s.lost, 0);
    const each = relay.length === 1 ? 'one run' : `median of ${relay.length} runs: ${relay.map((s) => s.run.endToEnd.p99.toFixed(1)).join(', ')}`;
    checks.push({
      target: `${label(sockets, PACED)}: everything delivered, p99 ≤ ${limit} ms`,
      met: lost === 0 && p99 <= limit,
      detail: `p99 ${p99.toFixed(1)} ms (${each}); ${count(lost)} not delivered`,
    });
  }
  return checks;
}

/** WAL per stored message at the issue's loads (empty database): the worst load's median. */
function walUnderLoad(runs: Runs): TargetCheck[] {
  const byLoad = runs.loads
    .filter(({ rate }) => rate === PACED || rate === null)
    .map((load) => ({ load, scenarios: runs.of('relay', load).filter((s) => s.storage) }))
    .filter(({ scenarios }) => scenarios.length > 0)
    .map(({ load, scenarios }) => ({ load, bytes: Runs.median(scenarios, (s) => s.storage?.walBytesPerMessage ?? Number.NaN) }));
  if (byLoad.length === 0) return [];
  const worst = Math.max(...byLoad.map(({ bytes }) => bytes));
  return [
    {
      target: `WAL per stored message ≤ ${(WAL_LIMIT_BYTES / 1024).toFixed(2)} KiB under load`,
      met: worst <= WAL_LIMIT_BYTES,
      detail: byLoad.map(({ load, bytes }) => `${label(load.sockets, load.rate)} ${(bytes / 1024).toFixed(1)} KiB`).join('; '),
    },
  ];
}

/** With messages already stored: unthrottled writes/s against the empty database; p99 and reads shown. */
function withHistory(runs: Runs): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const histories = [...new Set(runs.results.map((s) => s.history ?? 0))].filter((history) => history > 0);
  for (const history of histories) {
    for (const load of runs.loads) {
      const full = runs.of('relay', load, history);
      const empty = runs.of('relay', load);
      if (full.length === 0 || empty.length === 0) continue;
      const ratioOf = (pick: Pick): number => Runs.median(full, pick) / Runs.median(empty, pick);
      const name = `${count(history)} messages stored, ${label(load.sockets, load.rate)}`;
      if (load.rate === null) {
        const perSecond: Pick = (s) => s.deliveredPerSecond;
        checks.push({
          target: `${name}: writes/s ≥ ${HISTORY_SHARE}× the empty database's`,
          met: ratioOf(perSecond) >= HISTORY_SHARE,
          detail: `${count(Runs.median(full, perSecond))} ÷ ${count(Runs.median(empty, perSecond))}/s = ${times(ratioOf(perSecond))} (${ofRuns(full.length, empty.length)})`,
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
