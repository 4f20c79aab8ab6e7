import type { MessagePort } from 'node:worker_threads';
import { connectSqlite } from './connection.js';

/**
 * How often the checkpointer copies the WAL back into the database file. Each page is written
 * back once per pass however many commits changed it, and the pass runs beside the commits: no
 * ACK waits for it.
 */
export const CHECKPOINT_INTERVAL_MS = 1000;
/**
 * After a pass that could not take its locks, or left frames behind because a reader still
 * needed them: the next one, soon. Frames the writer appends during a pass do not count: the
 * pass reports against the WAL as it found it, so under load every pass reports all copied and
 * the next comes after CHECKPOINT_INTERVAL_MS (measured, bench/RESULTS.md, 2026-12-06).
 */
const CATCH_UP_MS = 100;

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * The checkpointer's body (a thread the writer thread starts, `writer-worker.ts`): its own
 * connection, a PASSIVE checkpoint on a timer. PASSIVE never waits for the writer or readers:
 * it copies the frames no reader still needs while the writer goes on appending. A pass that
 * finds no commit landed while it copied syncs the file, and the writer's next transaction
 * starts the WAL again from its beginning. Under load that never happens (the writer commits
 * every few milliseconds), so the WAL starts again only at the writer's own checkpoint past
 * SQLITE_WAL_LIMIT_BYTES (`writer-worker.ts`).
 */
export function runCheckpointer(port: MessagePort, path: string): void {
  const database = connectSqlite(path);
  const checkpoint = database.prepare<[], CheckpointResult>('PRAGMA wal_checkpoint(PASSIVE)');
  let timer: NodeJS.Timeout | undefined;
  const pass = (): void => {
    let next = CHECKPOINT_INTERVAL_MS;
    try {
      const { busy, log, checkpointed } = checkpoint.get()!;
      if (busy !== 0 || checkpointed < log) next = CATCH_UP_MS;
    } catch {
      // An I/O error: the writer's commits report it to their callers; this pass tries again
      // at the next interval (and past 64 MiB of WAL the writer checkpoints itself).
    }
    timer = setTimeout(pass, next);
  };
  timer = setTimeout(pass, CHECKPOINT_INTERVAL_MS);
  port.on('message', (message: { type: 'close' }) => {
    if (message.type !== 'close') return;
    clearTimeout(timer);
    database.close();
    port.close();
  });
}
