import type Database from 'better-sqlite3';
import { SqliteGroupCommit } from './group-commit.js';
import type { SqliteStatements } from './statements.js';
import { prepareSqliteWebhookStatements, type SqliteWebhookStatements } from './webhook-statements.js';
import {
  completionPromise,
  runBatchedWrite,
  settle,
  type BatchedWrite,
  type BatchedWriter,
  type BatchedWriteResults,
} from './writes.js';
import type { Completion } from '../store.js';

/**
 * The batched writes on the store's own connection, for a database no second thread can open
 * (`:memory:`). A batch commits inside one turn of the event loop, so the store's other writes
 * never wait for one.
 */
export class SqliteInThreadWriter implements BatchedWriter {
  readonly #statements: SqliteStatements;
  readonly #webhooks: SqliteWebhookStatements;
  readonly #groupCommit: SqliteGroupCommit;

  constructor(database: Database.Database, statements: SqliteStatements) {
    this.#statements = statements;
    this.#webhooks = prepareSqliteWebhookStatements(database);
    this.#groupCommit = new SqliteGroupCommit(database);
  }

  enqueueWith<W extends BatchedWrite>(write: W, done: Completion<BatchedWriteResults[W['kind']]>): void {
    this.#groupCommit.enqueueWith(() => runBatchedWrite(this.#statements, this.#webhooks, write) as BatchedWriteResults[W['kind']], done);
  }

  enqueue<W extends BatchedWrite>(write: W): Promise<BatchedWriteResults[W['kind']]> {
    return completionPromise((done) => this.enqueueWith(write, done));
  }

  exclusive<T>(work: () => T): Promise<T> {
    return settle(work);
  }

  async close(): Promise<void> {
    this.#groupCommit.flush();
  }
}
