import { fdatasyncSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { connectSqlite } from './connection.js';

/**
 * How often the checkpointer copies the WAL back into the database file. Each page is written
 * back once per round however many commits changed it, and the round runs beside the commits:
 * no ACK waits for it.
 */
export const CHECKPOINT_INTERVAL_MS = 1000;
/**
 * After a pass that could not take its locks, or left frames behind because a reader still
 * needed them: the next round, soon. Frames the writer appends during a pass do not count: the
 * pass reports against the WAL as it found it.
 */
const CATCH_UP_MS = 100;
/**
 * A pass that copied and synced in less than this left the writer little to copy: the frames
 * committed meanwhile, a few milliseconds of them. A slower one is followed by another at once.
 */
export const SETTLED_PASS_MS = 2;
/** The most passes in one round. */
export const PASSES_PER_ROUND = 4;

export interface CheckpointResult {
  busy: number;
  /** Frames in the WAL when the pass began (-1: not in WAL mode). */
  log: number;
  /** Of them, copied into the file. */
  checkpointed: number;
}

export interface CheckpointRound {
  /** The last pass's. */
  result: CheckpointResult;
  passes: number;
  /**
   * Everything the last pass found was copied and synced: the writer copies the rest itself,
   * between two batches, and its next transaction starts the WAL again (`writer-worker.ts`).
   */
  caughtUp: boolean;
}

/** The pass could not take its locks, or left frames that a reader still needed. */
function leftBehind(result: CheckpointResult): boolean {
  return result.busy !== 0 || result.checkpointed < result.log;
}

/**
 * One round of the checkpointer: PASSIVE passes, each followed by a sync of the file through a
 * descriptor of its own, until a pass is quick.
 *
 * Why the sync: SQLite syncs the file only after a pass that found no commit landed while it
 * copied, which under load never happens; the pages it copied stay dirty in the page cache.
 * Whoever then completes a checkpoint (the writer, between two batches) synced all of them at
 * once, on the commit path: 16–37 ms a second at 10,000 messages a second (bench/RESULTS.md).
 * Synced here, beside the commits, they are on disk before the writer's turn.
 *
 * Why several passes: a pass and its sync take 10–40 ms under that load, and the writer would
 * have to copy everything committed meanwhile. Each further pass copies only what came during
 * the one before, so they shorten until one is quick.
 *
 * `previous` is the last round's result: a pass that finds the WAL as it was (nothing committed
 * since) syncs nothing and asks nothing of the writer.
 */
export function checkpointRound(
  pass: () => CheckpointResult,
  sync: () => void,
  previous: CheckpointResult | null,
  now: () => number = () => performance.now(),
): CheckpointRound {
  let result: CheckpointResult;
  let passes = 0;
  for (;;) {
    const started = now();
    result = pass();
    passes += 1;
    if (leftBehind(result)) return { result, passes, caughtUp: false };
    const idle = result.log <= 0 || (previous !== null && result.log === previous.log && result.checkpointed === previous.checkpointed);
    if (passes === 1 && idle) return { result, passes, caughtUp: false };
    sync();
    if (now() - started < SETTLED_PASS_MS || passes >= PASSES_PER_ROUND) return { result, passes, caughtUp: true };
  }
}

/**
 * The checkpointer's body (a thread the writer thread starts, `writer-worker.ts`): its own
 * connection, a round of PASSIVE checkpoints on a timer. PASSIVE never waits for the writer or
 * readers: it copies the frames no reader still needs while the writer goes on appending.
 *
 * The WAL starts again from its beginning only when a transaction starts with every frame
 * copied, which under load never happens by itself (the writer commits every few milliseconds).
 * So after a round that copied everything it found, this thread tells the writer (`caught-up`),
 * and the writer copies the few frames committed since, between two batches. Past
 * SQLITE_WAL_LIMIT_BYTES the writer checkpoints anyway (`writer-worker.ts`), should this thread
 * fall behind or die.
 *
 * `syncFd` (none: no sync of its own) is the store's descriptor of the file.
 */
export function runCheckpointer(port: MessagePort, path: string, syncFd: number | null): void {
  const database = connectSqlite(path);
  const checkpoint = database.prepare<[], CheckpointResult>('PRAGMA wal_checkpoint(PASSIVE)');
  const sync = syncFd === null ? () => {} : () => fdatasyncSync(syncFd);
  let previous: CheckpointResult | null = null;
  let timer: NodeJS.Timeout | undefined;
  const round = (): void => {
    let next = CHECKPOINT_INTERVAL_MS;
    try {
      const { result, caughtUp } = checkpointRound(() => checkpoint.get()!, sync, previous);
      previous = result;
      if (leftBehind(result)) next = CATCH_UP_MS;
      else if (caughtUp) port.postMessage({ type: 'caught-up' } satisfies FromCheckpointer);
    } catch {
      // An I/O error: the writer's commits report it to their callers; this round tries again
      // at the next interval (and past 64 MiB of WAL the writer checkpoints itself).
      previous = null;
    }
    timer = setTimeout(round, next);
  };
  timer = setTimeout(round, CHECKPOINT_INTERVAL_MS);
  port.on('message', (message: { type: 'close' }) => {
    if (message.type !== 'close') return;
    clearTimeout(timer);
    database.close();
    port.close();
  });
}

/** What the checkpointer tells the writer thread. */
export interface FromCheckpointer {
  type: 'caught-up';
}
