/**
 * What `bench:relay` records per scenario (and saves in bench/results/relay-<date>.json), and a
 * target's verdict on them: the shapes `relay.ts` and the target checks share, and how the checks
 * pick a load's runs.
 */
import type { ProfileSummary } from './cpu-profile.js';
import type { ConnectResult, RunResult, Target } from './generator-protocol.js';
import type { machineLoad } from './machine.js';
import type { LatencySummary } from './stats.js';
import type { WalReading } from './wal.js';

export interface TargetCheck {
  target: string;
  /** null: shown with its figures, not judged. */
  met: boolean | null;
  detail: string;
}

export interface ScenarioResult {
  target: Target;
  sockets: number;
  rate: number | null;
  /** Messages already stored when the load started (relay only). */
  history: number;
  /** Relay only: what the database wrote during the window, per message delivered in it. */
  storage?: { walBytesPerMessage: number; writeBytesPerMessage: number; wal: WalReading };
  /** Relay only: reads after the drain. */
  reads?: { historyPage: LatencySummary; conversationList: LatencySummary };
  connect: ConnectResult;
  memory: {
    rssBefore: number;
    rssIdle: number;
    rssHalfway: number;
    /** (RSS with N idle sockets - RSS before any) / N. */
    rssPerIdleSocket: number;
    /** (RSS with N - RSS with N/2) / (N/2). */
    rssPerIdleSocketSecondHalf: number;
    /** V8 heap used + external (Buffers) per socket, both readings after a forced GC. */
    heapPerIdleSocket: number;
    rssPeakDuringRun: number;
  };
  run: Omit<RunResult, 'ackedIds'>;
  /** The same load for `--warmup` seconds just before the window (not in `run`): the cold start. */
  warmup?: Omit<RunResult, 'ackedIds'>;
  deliveredPerSecond: number;
  lost: number;
  /**
   * `mainThreadUsPerMessage`: the event loop's part of `serverCpuUsPerMessage`; `writerThreadUsPerMessage`:
   * the SQLite writer thread's (relay only, else NaN; absent in results saved before 2026-12-06
   * 17:34 UTC; the rest: GC helpers, the checkpointer, libuv's pool).
   */
  cpu: {
    serverCores: number;
    serverCpuUsPerMessage: number;
    mainThreadUsPerMessage: number;
    writerThreadUsPerMessage: number;
    generatorCores: number;
    /** This process (the bench: its meters and the IPC) over the window; it shares the cores too. */
    benchCores?: number;
    systemBusy: number;
    systemIowait: number;
    /** Of `systemBusy`, the share the hypervisor gave to others (a VM's steal time; absent before 2026-12-07). */
    systemSteal?: number;
  };
  /** Write-family system calls of the server's main thread (its socket writes) per delivered message. */
  writeSyscallsPerMessage: number;
  /** Relay only: each ACKed clientId looked up in the database after the relay stopped. */
  stored?: { acked: number; missing: number; rows: number };
  profile?: ProfileSummary;
  load: ReturnType<typeof machineLoad>;
}

/** The runs of one load (each `--repeat` of it) on a database holding `history` messages, in run order. */
export function runsOf(
  results: readonly ScenarioResult[],
  target: Target,
  sockets: number,
  rate: number | null,
  history = 0,
): ScenarioResult[] {
  return results.filter((result) => result.target === target && result.sockets === sockets && result.rate === rate && (result.history ?? 0) === history);
}
