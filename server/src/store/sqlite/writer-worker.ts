/**
 * The writer thread's body (started through `sqlite-writer-worker.mjs`): its own connection
 * to the store's file, committing each batch it is sent and answering with the outcomes once
 * the COMMIT (and with it the WAL's fsync) has returned.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteBatch } from './batch.js';
import { connectSqlite } from './connection.js';
import { prepareSqliteStatements } from './statements.js';
import { transferError, type FromWriterThread, type ToWriterThread } from './writer-protocol.js';
import { prepareSqliteWebhookStatements } from './webhook-statements.js';
import { runBatchedWrite } from './writes.js';

const port = parentPort!;
const database = connectSqlite((workerData as { path: string }).path);
const statements = prepareSqliteStatements(database);
const webhooks = prepareSqliteWebhookStatements(database);
const batch = new SqliteBatch(database);

port.on('message', (message: ToWriterThread) => {
  if (message.type === 'close') {
    database.close();
    port.close();
    return;
  }
  let reply: FromWriterThread;
  try {
    const outcomes = batch.commit(message.writes.map((write) => () => runBatchedWrite(statements, webhooks, write)));
    reply = {
      type: 'committed',
      outcomes: outcomes.map((outcome) => (outcome.ok ? outcome : { ok: false, error: transferError(outcome.error) })),
    };
  } catch (error) {
    reply = { type: 'failed', error: transferError(error) };
  }
  port.postMessage(reply);
});
