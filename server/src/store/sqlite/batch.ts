import type Database from 'better-sqlite3';

export type WriteOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * One batch of writes in one `BEGIN IMMEDIATE … COMMIT`. Each write sees the ones before it
 * (the same transaction), so seq numbering and the clientId deduplication behave exactly as
 * they would with one transaction each. Used by both group commits: in this thread
 * (`group-commit.ts`) and in the writer thread (`writer-worker.ts`).
 *
 * The writes run without savepoints: an append that finds its clientId stored writes nothing
 * and throws nothing, so a write that throws is the rare case, and three statements (SAVEPOINT,
 * RELEASE and their journal work) per write were a sixth of the writer's time. When a write
 * does throw, the whole transaction is rolled back and the batch runs again with each write
 * inside its own savepoint, so that only the failing one is undone: the outcomes are those of
 * the savepoint path, always. A write must therefore be safe to run twice: its
 * effects outside the database (none, for the store's writes) are not undone.
 */
export class SqliteBatch {
  readonly #database: Database.Database;
  readonly #begin: Database.Statement;
  readonly #commit: Database.Statement;
  readonly #rollback: Database.Statement;
  readonly #savepoint: Database.Statement;
  readonly #release: Database.Statement;
  readonly #rollbackToSavepoint: Database.Statement;

  constructor(database: Database.Database) {
    this.#database = database;
    this.#begin = database.prepare('BEGIN IMMEDIATE');
    this.#commit = database.prepare('COMMIT');
    this.#rollback = database.prepare('ROLLBACK');
    this.#savepoint = database.prepare('SAVEPOINT batched_write');
    this.#release = database.prepare('RELEASE batched_write');
    this.#rollbackToSavepoint = database.prepare('ROLLBACK TO batched_write');
  }

  /**
   * Runs the writes and commits them; returns each write's outcome once the COMMIT returned.
   * Throws when BEGIN or COMMIT fails (disk full, I/O error): then nothing of the batch is stored.
   * `beforeCommit` runs after the last write, just before the COMMIT (and its fsync).
   */
  commit(writes: readonly (() => unknown)[], beforeCommit?: () => void): WriteOutcome[] {
    this.#begin.run();
    let outcomes: WriteOutcome[];
    try {
      outcomes = writes.map((write) => ({ ok: true, value: write() }));
    } catch {
      if (this.#database.inTransaction) this.#rollback.run();
      this.#begin.run();
      outcomes = this.#runEachInSavepoint(writes);
    }
    beforeCommit?.();
    try {
      this.#commit.run();
    } catch (error) {
      if (this.#database.inTransaction) this.#rollback.run();
      throw error;
    }
    return outcomes;
  }

  #runEachInSavepoint(writes: readonly (() => unknown)[]): WriteOutcome[] {
    const outcomes: WriteOutcome[] = [];
    for (const write of writes) {
      this.#savepoint.run();
      try {
        outcomes.push({ ok: true, value: write() });
        this.#release.run();
      } catch (error) {
        this.#rollbackToSavepoint.run();
        this.#release.run();
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }
}
