import type { BatchedWrite } from './writes.js';

/**
 * The messages between the store and its writer thread: a batch one way; back, `executed` when
 * its statements have run (its COMMIT is syncing: the next batch may be sent), then its outcome.
 */

export type ToWriterThread = { type: 'batch'; writes: BatchedWrite[] } | { type: 'close' };

export type FromWriterThread =
  | { type: 'executed' }
  | { type: 'committed'; outcomes: TransferredOutcome[] }
  /** BEGIN or COMMIT failed: nothing of the batch is stored. */
  | { type: 'failed'; error: TransferredError };

export type TransferredOutcome = { ok: true; value: unknown } | { ok: false; error: TransferredError };

/** An error as plain data: a SqliteError's class and extra fields do not survive a clone. */
export interface TransferredError {
  message: string;
  code?: string;
}

export function transferError(error: unknown): TransferredError {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { message: error.message, code } : { message: error.message };
}

export function receiveError(transferred: TransferredError): Error {
  const error = new Error(`SQLite writer thread: ${transferred.message}`);
  return transferred.code === undefined ? error : Object.assign(error, { code: transferred.code });
}
