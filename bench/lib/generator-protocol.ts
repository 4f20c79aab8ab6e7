/**
 * Messages between `bench/relay.ts` (the parent) and `bench/load-generator.ts` (a child
 * process, over Node's IPC channel). One generator drives one server (the relay or the
 * baseline) with the same frames: `NEW_MESSAGE` with a `clientId` and a content that names
 * the message, so a receipt is matched to its send by the content alone.
 */
import type { LatencySummary } from './stats.js';

export type Target = 'relay' | 'baseline';

/** One santa-giftee pair: two socket indexes and the conversation (baseline: the pair key). */
export interface PairPlan {
  a: number;
  b: number;
  conversationId: string;
}

export interface ConnectCommand {
  type: 'connect';
  target: Target;
  wsUrl: string;
  /** The first frame of each socket: `AUTH` for the relay, `HELLO` for the baseline. */
  hellos: string[];
  pairs: PairPlan[];
  /** Which sockets to open now, `[from, to)`: the parent connects in two halves to read memory in between. */
  from: number;
  to: number;
  concurrency: number;
  timeoutMs: number;
}

export interface RunCommand {
  type: 'run';
  /** Messages per second offered in total, spread over all sockets; `null`: unthrottled. */
  rate: number | null;
  durationMs: number;
  drainMs: number;
}

export type ToGenerator = ConnectCommand | RunCommand | { type: 'close' };

export interface ConnectResult {
  ms: number;
  ready: number;
  failed: number;
  firstError: string | undefined;
}

export interface RunResult {
  rate: number | null;
  windowMs: number;
  sent: number;
  /** Receipts on the peer's socket during the sending window (the throughput figure). */
  deliveredInWindow: number;
  /** Receipts on the peer's socket by the end of the drain. */
  delivered: number;
  acked: number;
  /** Sends answered with an `ERROR` carrying their clientId. */
  refused: number;
  duplicates: number;
  errors: Record<string, number>;
  closedDuringRun: number;
  /** Send to the peer's receipt, ms. */
  endToEnd: LatencySummary;
  /** Send to the sender's `ACK`, ms (relay only). */
  ack: LatencySummary;
  /** How late the generator sent compared with its schedule (paced runs), ms. */
  scheduleLag: LatencySummary;
  /** The generator's own event-loop delay p99, ms: high means the generator, not the server, was the limit. */
  generatorLoopDelayP99Ms: number;
  drainedMs: number;
  /** Ids (the number in `clientId` "b<id>") of the sends that got an ACK. */
  ackedIds: number[];
}

export type FromGenerator =
  | { type: 'connected'; result: ConnectResult }
  | { type: 'window-start' }
  | { type: 'window-end' }
  | { type: 'result'; result: RunResult }
  | { type: 'fatal'; message: string };
