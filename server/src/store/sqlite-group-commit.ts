import type Database from 'better-sqlite3';

/** Thrown by a write to undo its own changes and still settle with `value` (not an error). */
export class UndoWrite<T> {
  constructor(readonly value: T) {}
}

interface PendingWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite. With `synchronous = FULL` every COMMIT waits for an fsync of the
 * WAL, and that wait, not the SQL, is what bounds a store that commits once per message. Writes
 * queued in one turn of the event loop (every frame read from every socket in that turn) run
 * together in one IMMEDIATE transaction, each inside its own savepoint so one failing write
 * rolls back only itself, and every promise settles only after the COMMIT: an `ACK` still
 * follows a durable write, as PROTOCOL.md §1 asks, at one fsync per batch instead of one per
 * message.
 *
 * Each write sees the writes queued before it (the same transaction), so seq numbering and the
 * clientId deduplication behave exactly as they would with one transaction each.
 */
export class SqliteGroupCommit {
  readonly #database: Database.Database;
  readonly #maxBatch: number;
  readonly #begin: Database.Statement;
  readonly #commitStatement: Database.Statement;
  readonly #rollback: Database.Statement;
  readonly #savepoint: Database.Statement;
  readonly #release: Database.Statement;
  readonly #rollbackToSavepoint: Database.Statement;
  #queue: PendingWrite[] = [];
  #scheduled = false;

  constructor(database: Database.Database, maxBatch = 512) {
    this.#database = database;
    this.#maxBatch = maxBatch;
    this.#begin = database.prepare('BEGIN IMMEDIATE');
    this.#commitStatement = database.prepare('COMMIT');
    this.#rollback = database.prepare('ROLLBACK');
    this.#savepoint = database.prepare('SAVEPOINT batched_write');
    this.#release = database.prepare('RELEASE batched_write');
    this.#rollbackToSavepoint = database.prepare('ROLLBACK TO batched_write');
  }

  /** Runs `work` in the next batch; resolves with its result once the batch has committed. */
  enqueue<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flushScheduled());
      }
    });
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
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.#begin.run();
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    for (const write of batch) {
      // A savepoint per write: a failing write undoes only its own changes.
      this.#savepoint.run();
      try {
        outcomes.push({ ok: true, value: write.work() });
        this.#release.run();
      } catch (error) {
        this.#rollbackToSavepoint.run();
        this.#release.run();
        outcomes.push(error instanceof UndoWrite ? { ok: true, value: error.value } : { ok: false, value: error });
      }
    }
    try {
      this.#commitStatement.run();
    } catch (error) {
      // The COMMIT itself failed (disk full, I/O error): nothing of the batch is stored.
      if (this.#database.inTransaction) this.#rollback.run();
      for (const write of batch) write.reject(error);
      return;
    }
    batch.forEach((write, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.value);
    });
  }

  #failAll(error: Error): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const write of queued) write.reject(error);
  }
}
