import type Database from 'better-sqlite3';
import { SqliteBatch } from './batch.js';
import { completionPromise } from './writes.js';
import type { Completion } from '../store.js';

interface PendingWrite {
  work: () => unknown;
  done: Completion<unknown>;
}

/**
 * Group commit for SQLite, in this thread. With `synchronous = FULL` every COMMIT waits for an
 * fsync of the WAL, and that wait, not the SQL, is what bounds a store that commits once per
 * message. Writes queued in one turn of the event loop (every frame read from every socket in
 * that turn) run together in one batch (`sqlite-batch.ts`), and every promise settles only
 * after the COMMIT: an `ACK` still follows a durable write, as docs/protocol.md §1 asks, at one
 * fsync per batch instead of one per message.
 *
 * The store uses it where a writer thread cannot share the database (`:memory:`); a file's
 * appends and read cursors commit in `sqlite-writer-thread.ts` instead.
 */
export class SqliteGroupCommit {
  readonly #database: Database.Database;
  readonly #maxBatch: number;
  readonly #batch: SqliteBatch;
  #queue: PendingWrite[] = [];
  #scheduled = false;

  constructor(database: Database.Database, maxBatch = 512) {
    this.#database = database;
    this.#maxBatch = maxBatch;
    this.#batch = new SqliteBatch(database);
  }

  /** Runs `work` in the next batch; tells `done` its result once the batch has committed. */
  enqueueWith<T>(work: () => T, done: Completion<T>): void {
    this.#queue.push({ work, done: done as Completion<unknown> });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flushScheduled());
    }
  }

  /** `enqueueWith`, as a promise. */
  enqueue<T>(work: () => T): Promise<T> {
    return completionPromise((done) => this.enqueueWith(work, done));
  }

  /** Commits whatever is queued, now (before the database closes). */
  flush(): void {
    while (this.#queue.length > 0) this.#commit(this.#queue.splice(0, this.#maxBatch));
  }

  #flushScheduled(): void {
    this.#scheduled = false;
    if (!this.#database.open) {
      this.#failAll(new Error('the SQLite store is closed'));
      return;
    }
    this.#commit(this.#queue.splice(0, this.#maxBatch));
    if (this.#queue.length > 0 && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flushScheduled());
    }
  }

  #commit(batch: PendingWrite[]): void {
    if (batch.length === 0) return;
    let outcomes;
    try {
      outcomes = this.#batch.commit(batch.map((write) => write.work));
    } catch (error) {
      for (const write of batch) write.done.failed(error);
      return;
    }
    batch.forEach((write, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) write.done.written(outcome.value);
      else write.done.failed(outcome.error);
    });
  }

  #failAll(error: Error): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const write of queued) write.done.failed(error);
  }
}
