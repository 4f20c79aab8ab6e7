import { fdatasyncSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { connectSqlite } from './connection.js';

/** When the checkpointer copies the WAL back into the file, and when it asks the writer to finish. */
export interface CheckpointSchedule {
  /** Between two passes while nothing is written. */
  idleMs: number;
  /** Between two passes while the writer appends (the last pass found new frames). */
  busyMs: number;
  /** After a pass that could not take its locks. */
  retryMs: number;
  /** A WAL larger than this after a pass is handed to the writer, which starts it again. */
  handOffBytes: number;
}

/**
 * Measured at 1,000 sockets × 10,000 messages a second (docs/decisions/0025): passes every
 * 200 ms under load and a hand-off past 16 MiB restart the WAL about twice a second, each time
 * for about 2.5 ms of the writer's time, where the writer's own checkpoint at 64 MiB took 11–14
 * ms once a second.
 */
export const CHECKPOINT_SCHEDULE: CheckpointSchedule = {
  idleMs: 1000,
  busyMs: 200,
  retryMs: 100,
  handOffBytes: 16 * 1024 * 1024,
};

/** What the checkpointer tells the writer thread. */
export type FromCheckpointer = { type: 'hand-off' };

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * The checkpointer's body (a thread the writer thread starts, `writer-worker.ts`): its own
 * connection, a PASSIVE checkpoint on a timer. PASSIVE never waits for the writer or readers:
 * it copies the frames no reader still needs while the writer goes on appending.
 *
 * Under load no pass ever finishes the WAL: the writer commits while it copies. SQLite syncs
 * the database file, and lets the next write transaction start the WAL again from its
 * beginning, only after a checkpoint that found nothing left to copy. So, past `handOffBytes`,
 * the checkpointer gets that last checkpoint down to a few milliseconds of frames and hands it
 * to the writer, which runs it between two batches (`writer-worker.ts`):
 * 1. the pass copies what was committed since the last one;
 * 2. `fdatasync` on `syncFd`, the database file, flushes those pages here, beside the commits,
 *    instead of in the writer's checkpoint (this is only a head start: SQLite's own sync
 *    still comes before the WAL restarts, so nothing about durability depends on it);
 * 3. a second pass copies what was committed during the first and its flush, and a second
 *    `fdatasync` flushes it;
 * 4. the writer, told `hand-off`, checkpoints the few frames committed since, with a sync of
 *    only their pages, and its next transaction starts the WAL again.
 *
 * `syncFd` is -1 when the file could not be opened for it, and becomes -1 if `fdatasync` fails:
 * the hand-off still works, with more for the writer's sync to flush.
 */
export function runCheckpointer(port: MessagePort, path: string, syncFd: number, schedule: CheckpointSchedule = CHECKPOINT_SCHEDULE): void {
  const database = connectSqlite(path);
  const checkpoint = database.prepare<[], CheckpointResult>('PRAGMA wal_checkpoint(PASSIVE)');
  const frameBytes = Number(database.pragma('page_size', { simple: true })) + 24;
  const handOff: FromCheckpointer = { type: 'hand-off' };
  let flushFd = syncFd;
  const flush = (): void => {
    if (flushFd < 0) return;
    try {
      fdatasyncSync(flushFd);
    } catch {
      flushFd = -1;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let last = { log: 0, checkpointed: 0 };
  const pass = (): void => {
    let next = schedule.idleMs;
    try {
      const { busy, log, checkpointed } = checkpoint.get()!;
      if (busy !== 0) {
        next = schedule.retryMs;
      } else if (log !== last.log || checkpointed !== last.checkpointed) {
        // New frames since the last pass: the writer is appending.
        next = schedule.busyMs;
        flush();
        if (log * frameBytes > schedule.handOffBytes) {
          checkpoint.get();
          flush();
          port.postMessage(handOff);
        }
      }
      last = { log, checkpointed };
    } catch {
      // An I/O error: the writer's commits report it to their callers; this pass tries again
      // at the next interval (and past 64 MiB of WAL the writer checkpoints itself).
    }
    timer = setTimeout(pass, next);
  };
  timer = setTimeout(pass, schedule.idleMs);
  port.on('message', (message: { type: 'close' }) => {
    if (message.type !== 'close') return;
    clearTimeout(timer);
    database.close();
    port.close();
  });
}
