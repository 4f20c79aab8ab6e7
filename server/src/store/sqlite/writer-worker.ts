/**
 * The writer thread's body (started through `writer-worker.mjs`): its own connection to the
 * store's file, committing each batch it is sent and answering with the outcomes once the
 * COMMIT (and with it the WAL's fsync) has returned. The same entry, started by the writer
 * thread with `role: 'checkpointer'`, is its checkpointer (`checkpointer.ts`).
 */
import { statSync } from 'node:fs';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { SqliteBatch } from './batch.js';
import { runCheckpointer, type FromCheckpointer } from './checkpointer.js';
import { connectSqliteWriter, SQLITE_WAL_LIMIT_BYTES } from './connection.js';
import { prepareSqliteStatements } from './statements.js';
import { CHECKPOINTER_THREAD_NAME, nameThisThread, WRITER_THREAD_NAME } from './thread-name.js';
import { CHECKPOINTER_NICENESS, lowerThisThreadsPriority } from './thread-priority.js';
import { decodeBatch, encodeOutcomes, transferError, type FromWriterThread, type ToWriterThread } from './writer-protocol.js';
import { prepareSqliteWebhookStatements } from './webhook-statements.js';
import { runBatchedWrite } from './writes.js';

const port = parentPort!;
const { path, role, syncFd } = workerData as { path: string; role?: 'writer' | 'checkpointer'; syncFd?: number | null };
/** How often, at most, the writer looks at the WAL's size (below). */
const WAL_CHECK_MS = 100;
let walCheckedAt = Number.NEGATIVE_INFINITY;

if (role === 'checkpointer') {
  nameThisThread(CHECKPOINTER_THREAD_NAME);
  lowerThisThreadsPriority(CHECKPOINTER_NICENESS);
  runCheckpointer(port, path, syncFd ?? null);
} else {
  nameThisThread(WRITER_THREAD_NAME);
  runWriter();
}

function runWriter(): void {
  const database = connectSqliteWriter(path);
  const statements = prepareSqliteStatements(database);
  const webhooks = prepareSqliteWebhookStatements(database);
  const batch = new SqliteBatch(database);
  const passiveCheckpoint = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const checkpointInThisThread = (): void => {
    try {
      passiveCheckpoint.get();
    } catch {
      // An I/O error: the next COMMIT reports it to its writes; the thread goes on.
    }
  };
  // The checkpointer copied and synced all it found: the frames committed since are few, and
  // once this thread has copied them too, its next transaction starts the WAL again
  // (`checkpointer.ts`). It runs here, between two batches, because only a moment with no
  // commit in it lets a checkpoint finish.
  const checkpointer = startCheckpointer(checkpointInThisThread);
  const executed: FromWriterThread = { type: 'executed' };

  port.on('message', (message: ToWriterThread) => {
    if (message.type === 'close') {
      checkpointer.close(() => {
        database.close();
        port.close();
      });
      return;
    }
    let reply: FromWriterThread;
    try {
      const writes = decodeBatch(message.writes);
      const outcomes = batch.commit(
        writes.map((write) => () => runBatchedWrite(statements, webhooks, write)),
        // The main thread may send the next batch now: it waits in this thread's queue while
        // this one's COMMIT syncs, and starts the moment it returns.
        () => port.postMessage(executed),
      );
      reply = { type: 'committed', outcomes: encodeOutcomes(writes, outcomes) };
    } catch (error) {
      reply = { type: 'failed', error: transferError(error) };
    }
    port.postMessage(reply);
    // Past the limit the checkpointer fell behind, or died, and the WAL did not start again:
    // this thread checkpoints, between two batches. The size is looked at every WAL_CHECK_MS
    // at most: a `stat` after every batch was 3 % of this thread's time at 10,000 messages a
    // second, and the WAL grows by a few MiB in that time.
    const now = performance.now();
    if (now - walCheckedAt < WAL_CHECK_MS) return;
    walCheckedAt = now;
    if (walBytes() > SQLITE_WAL_LIMIT_BYTES) checkpointInThisThread();
  });
}

/**
 * Starts this writer's checkpointer (`checkpointer.ts`, the same entry with another role).
 * `finish` runs each time it caught up. `close(then)` stops it and calls `then` once it has
 * exited, at once if it already had.
 */
function startCheckpointer(finish: () => void): { close(then: () => void): void } {
  const checkpointer = new Worker(new URL(import.meta.url.endsWith('.ts') ? './writer-worker.mjs' : './writer-worker.js', import.meta.url), {
    workerData: { path, role: 'checkpointer', syncFd },
  });
  // Should the checkpointer die, the writer goes on: past the WAL limit it checkpoints itself.
  let running = true;
  checkpointer.on('error', () => {});
  checkpointer.on('exit', () => {
    running = false;
  });
  checkpointer.on('message', (message: FromCheckpointer) => {
    if (message.type === 'caught-up') finish();
  });
  return {
    close(then) {
      if (!running) {
        then();
        return;
      }
      checkpointer.once('exit', then);
      checkpointer.postMessage({ type: 'close' });
    },
  };
}

function walBytes(): number {
  return statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}
