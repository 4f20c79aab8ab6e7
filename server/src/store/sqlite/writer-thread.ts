import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { encodeBatch, receiveError, settleOutcomes, type FromWriterThread, type PendingWrite, type ToWriterThread } from './writer-protocol.js';
import { completionPromise, settle, type BatchedWrite, type BatchedWriter, type BatchedWriteResults } from './writes.js';
import type { Completion } from '../store.js';

/**
 * Run from TypeScript (tsx: tests, the demo) the worker needs a plain module that registers tsx
 * first; compiled (the relay package) it is the compiled body itself.
 */
const WORKER_ENTRY = import.meta.url.endsWith('.ts') ? './writer-worker.mjs' : './writer-worker.js';

/**
 * A batch starts at most this often, unless `FULL_BATCH` writes are waiting. Each COMMIT costs
 * its fsync, a round trip to the thread and a WAL page per B-tree leaf it changed, however few
 * messages it holds: at 10,000 messages a second this disk committed about 1,250 batches of ~8,
 * and 2 ms made them ~20, for 16 % less CPU per message (docs/decisions/0022). 4 ms took about
 * 10 % more off (decision 0022, update of 2026-12-06); 8 ms with `FULL_BATCH` at 128 (batches of
 * ~80 at 10,000/s, instead of ~40) took the writer thread from 18 to 15 µs a message and the
 * relay from 64 to 58 µs at 1,000 sockets, for about 3.4 ms more p50 under that load (update of
 * 2026-12-07). A write that comes 8 ms or more after the last batch went goes at once.
 */
export const BATCH_INTERVAL_MS = 8;
/** Enough writes waiting to start a batch before its interval is up. */
export const FULL_BATCH = 128;

/**
 * Starts the writer thread for the database file at `path`; tests pass their own. `syncFd` is
 * a descriptor of that file that its checkpointer syncs after each pass (`checkpointer.ts`);
 * the store opens it and closes it after the file's last connection.
 */
export type StartWriterWorker = (path: string, syncFd: number | null) => Worker;

export const startSqliteWriterWorker: StartWriterWorker = (path, syncFd) =>
  new Worker(new URL(WORKER_ENTRY, import.meta.url), { workerData: { path, syncFd } });

export interface WriterThreadOptions {
  /** A descriptor of the file for the checkpointer to sync (`StartWriterWorker`); none: it does not. */
  syncFd?: number | null;
  startWorker?: StartWriterWorker;
  /** The most writes one batch holds. */
  maxBatch?: number;
  /** `BATCH_INTERVAL_MS`, unless a test says otherwise. */
  interval?: number;
}

/**
 * Group commit in a second thread (docs/decisions/0011): the appends and read cursors queued
 * in one turn of the event loop go to a worker that owns its own connection to the file, as
 * one message, and commit there, fsync included, while this thread goes on reading frames.
 * What arrives meanwhile waits and becomes the next batch, so batches grow with the load.
 * Every promise settles after its own batch's COMMIT returned.
 *
 * Pipelined (docs/decisions/0018): when the thread reports a batch `executed` (its statements
 * ran, its COMMIT is syncing), the next batch is sent at once, so it waits in the thread's
 * queue and starts the moment that COMMIT returns, instead of after a round trip through this
 * thread's event loop. At most two batches are in flight; outcomes come back in order, each
 * after its own COMMIT, and the writes' completions are called in the order they were queued.
 *
 * The store's other writes run on its own connection through `exclusive`, between two
 * batches: they never wait for the writer's lock inside SQLite, where the busy handler would
 * put this whole thread to sleep. While one waits, no batch is sent.
 *
 * If the thread dies, the batches it held are rejected (they may or may not have committed; a
 * client retries with the same clientId and gets the original) and the next batch starts a
 * new thread.
 */
interface InFlightBatch {
  writes: PendingWrite[];
  /** The thread reported its statements done; its COMMIT is syncing. */
  executed: boolean;
}

export class SqliteWriterThread implements BatchedWriter {
  readonly #path: string;
  readonly #syncFd: number | null;
  readonly #startWorker: StartWriterWorker;
  readonly #maxBatch: number;
  #worker: Worker | null = null;
  #queue: PendingWrite[] = [];
  /** Sent and not yet answered, oldest first: at most two. */
  #inFlight: InFlightBatch[] = [];
  #scheduled = false;
  /** Exclusive work and close(), waiting for the batches in flight to end. */
  #afterBatch: (() => void)[] = [];
  #closing: Promise<void> | null = null;
  readonly #interval: number;
  /** When the last batch was sent (`performance.now()`), and the timer for the next one. */
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #intervalTimer: NodeJS.Timeout | null = null;

  constructor(path: string, options: WriterThreadOptions = {}) {
    this.#path = path;
    this.#syncFd = options.syncFd ?? null;
    this.#startWorker = options.startWorker ?? startSqliteWriterWorker;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#interval = options.interval ?? BATCH_INTERVAL_MS;
    this.#ensureWorker();
  }

  enqueueWith<W extends BatchedWrite>(write: W, done: Completion<BatchedWriteResults[W['kind']]>): void {
    if (this.#closing !== null) {
      done.failed(new Error('the SQLite store is closed'));
      return;
    }
    this.#queue.push({ write, done: done as Completion<unknown> });
    this.#schedule();
  }

  enqueue<W extends BatchedWrite>(write: W): Promise<BatchedWriteResults[W['kind']]> {
    return completionPromise((done) => this.enqueueWith(write, done));
  }

  exclusive<T>(work: () => T): Promise<T> {
    if (this.#inFlight.length === 0) return settle(work);
    return new Promise<T>((resolve, reject) => {
      this.#afterBatch.push(() => settle(work).then(resolve, reject));
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    while (this.#inFlight.length > 0 || this.#queue.length > 0) {
      if (this.#inFlight.length === 0) this.#send(true);
      if (this.#inFlight.length > 0) await new Promise<void>((resolve) => this.#afterBatch.push(resolve));
    }
    const worker = this.#worker;
    this.#worker = null;
    if (worker === null) return;
    worker.ref();
    const exited = once(worker, 'exit');
    worker.postMessage({ type: 'close' } satisfies ToWriterThread);
    await exited;
  }

  #schedule(): void {
    if (this.#scheduled || !this.#maySend()) return;
    this.#scheduled = true;
    // What the rest of this turn reads joins the batch.
    setImmediate(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  /** Nothing in flight, or one batch whose COMMIT is syncing; and no exclusive work waiting. */
  #maySend(): boolean {
    if (this.#afterBatch.length > 0) return false;
    const inFlight = this.#inFlight;
    return inFlight.length === 0 || (inFlight.length === 1 && inFlight[0]!.executed);
  }

  /** Sends the next batch if one may go; `now` (closing) does not wait for the interval. */
  #send(now = false): void {
    if (this.#queue.length === 0 || !this.#maySend()) return;
    const early = this.#lastSentAt + this.#interval - performance.now();
    if (early > 0 && this.#queue.length < FULL_BATCH && !now) {
      this.#intervalTimer ??= setTimeout(() => {
        this.#intervalTimer = null;
        this.#send();
      }, early);
      return;
    }
    if (this.#intervalTimer !== null) {
      clearTimeout(this.#intervalTimer);
      this.#intervalTimer = null;
    }
    this.#lastSentAt = performance.now();
    const writes = this.#queue.splice(0, this.#maxBatch);
    let worker: Worker;
    try {
      worker = this.#ensureWorker();
    } catch (error) {
      for (const pending of writes) pending.done.failed(error);
      this.#batchEnded();
      return;
    }
    this.#inFlight.push({ writes, executed: false });
    // Only a batch in flight keeps the process alive; an idle writer does not.
    worker.ref();
    worker.postMessage({ type: 'batch', writes: encodeBatch(writes.map((pending) => pending.write)) } satisfies ToWriterThread);
  }

  #ensureWorker(): Worker {
    if (this.#worker !== null) return this.#worker;
    const worker = this.#startWorker(this.#path, this.#syncFd);
    let crash: unknown;
    worker.on('message', (message: FromWriterThread) => this.#received(worker, message));
    worker.on('error', (error) => {
      crash = error;
    });
    worker.on('exit', (code) => this.#exited(worker, code, crash));
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #received(worker: Worker, message: FromWriterThread): void {
    if (worker !== this.#worker) return;
    if (message.type === 'executed') {
      const executing = this.#inFlight.find((batch) => !batch.executed);
      if (executing !== undefined) executing.executed = true;
      this.#send();
      return;
    }
    const batch = this.#inFlight.shift();
    if (batch === undefined) return;
    if (this.#inFlight.length === 0) worker.unref();
    // What gathered during the flight goes first: the thread commits it while this thread runs
    // the completions (the fan-out of this batch's messages).
    this.#send();
    if (message.type === 'failed') {
      const error = receiveError(message.error);
      for (const pending of batch.writes) pending.done.failed(error);
    } else {
      settleOutcomes(batch.writes, message.outcomes);
    }
    this.#batchEnded();
  }

  #exited(worker: Worker, code: number, crash: unknown): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    const batches = this.#inFlight;
    this.#inFlight = [];
    const error = new Error(`the SQLite writer thread stopped (exit code ${code}) before its batch was answered`, {
      cause: crash,
    });
    for (const batch of batches) for (const pending of batch.writes) pending.done.failed(error);
    this.#batchEnded();
  }

  #batchEnded(): void {
    if (this.#inFlight.length === 0) {
      const waiting = this.#afterBatch;
      this.#afterBatch = [];
      for (const run of waiting) run();
    }
    // What the completions queued, or what waited for exclusive work, goes at once.
    this.#send();
  }
}
