/**
 * The writer thread's body (started through `writer-worker.mjs`): its own connection to the
 * store's file, committing each batch it is sent and answering with the outcomes once the
 * COMMIT (and with it the WAL's fsync) has returned. The same entry, started by the writer
 * thread with `role: 'checkpointer'`, is its checkpointer (`checkpointer.ts`).
 */
import { closeSync, openSync, statSync } from 'node:fs';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { SqliteBatch } from './batch.js';
import { runCheckpointer, type CheckpointSchedule, type FromCheckpointer } from './checkpointer.js';
import { connectSqlite, SQLITE_WAL_LIMIT_BYTES } from './connection.js';
import { prepareSqliteStatements } from './statements.js';
import { decodeBatch, encodeOutcomes, transferError, type FromWriterThread, type ToWriterThread } from './writer-protocol.js';
import { prepareSqliteWebhookStatements } from './webhook-statements.js';
import { runBatchedWrite } from './writes.js';

const port = parentPort!;
const { path, role, syncFd, schedule } = workerData as {
  path: string;
  role?: 'writer' | 'checkpointer';
  /** The checkpointer's: the database file, for its `fdatasync`. */
  syncFd?: number;
  /** Tests' own; the relay runs with `CHECKPOINT_SCHEDULE`. */
  schedule?: CheckpointSchedule;
};
/** How often, at most, the writer looks at the WAL's size (below). */
const WAL_CHECK_MS = 100;
let walCheckedAt = Number.NEGATIVE_INFINITY;

if (role === 'checkpointer') runCheckpointer(port, path, syncFd ?? -1, schedule);
else runWriter();

function runWriter(): void {
  const database = connectSqlite(path);
  const statements = prepareSqliteStatements(database);
  const webhooks = prepareSqliteWebhookStatements(database);
  const batch = new SqliteBatch(database);
  const checkpointInThisThread = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  // The checkpointer flushes the database file through this descriptor (`checkpointer.ts`).
  const fileForSync = openForSync(path);
  const checkpointer = new Worker(new URL(import.meta.url.endsWith('.ts') ? './writer-worker.mjs' : './writer-worker.js', import.meta.url), {
    workerData: { path, role: 'checkpointer', syncFd: fileForSync, schedule },
  });
  // The checkpointer left only a few milliseconds of frames: checkpoint them after this batch.
  let handedOff = false;
  checkpointer.on('message', (message: FromCheckpointer) => {
    if (message.type === 'hand-off') handedOff = true;
  });
  // Should the checkpointer die, the writer goes on: past the WAL limit it checkpoints itself.
  let checkpointerRunning = true;
  checkpointer.on('error', () => {});
  checkpointer.on('exit', () => {
    checkpointerRunning = false;
  });
  const executed: FromWriterThread = { type: 'executed' };

  port.on('message', (message: ToWriterThread) => {
    if (message.type === 'close') {
      const closeDatabase = (): void => {
        database.close();
        // Closing any descriptor of the file drops every POSIX lock this process holds on it.
        // After this thread's connection, that leaves the main thread's, which closes next: for
        // that moment its SHARED lock, which only keeps other processes from leaving WAL mode,
        // is gone. The WAL's own locks are on the -shm file.
        if (fileForSync >= 0) closeSync(fileForSync);
        port.close();
      };
      if (!checkpointerRunning) {
        closeDatabase();
        return;
      }
      checkpointer.once('exit', closeDatabase);
      checkpointer.postMessage({ type: 'close' });
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
    if (handedOff) {
      handedOff = false;
      try {
        checkpointInThisThread.get();
      } catch {
        // An I/O error: the next commit reports it; the WAL starts again at a later hand-off.
      }
      return;
    }
    // Past the limit the hand-offs did not keep the WAL short (the checkpointer died, or lags
    // far behind), so it never started again: this thread checkpoints all of it, between two
    // batches. The size is looked at every WAL_CHECK_MS at most: a `stat` after every batch was
    // 3 % of this thread's time at 10,000 messages a second, and the WAL grows by a few MiB in
    // that time.
    const now = performance.now();
    if (now - walCheckedAt < WAL_CHECK_MS) return;
    walCheckedAt = now;
    if (walBytes() > SQLITE_WAL_LIMIT_BYTES) checkpointInThisThread.get();
  });
}

function openForSync(file: string): number {
  try {
    return openSync(file, 'r');
  } catch {
    return -1;
  }
}

function walBytes(): number {
  return statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}
