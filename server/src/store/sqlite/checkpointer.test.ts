import assert from 'node:assert/strict';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { CheckpointSchedule } from './checkpointer.js';
import { fileWithConversation } from './file.test-support.js';
import { SqliteWriterThread, startSqliteWriterWorkerWith } from './writer-thread.js';

/** The WAL header's checkpoint sequence number: SQLite adds one each time the WAL starts again. */
function walSequence(walPath: string): number {
  const fd = openSync(walPath, 'r');
  try {
    const header = Buffer.alloc(16);
    return readSync(fd, header, 0, 16, 0) === 16 ? header.readUInt32BE(12) : 0;
  } finally {
    closeSync(fd);
  }
}

describe('the checkpointer', () => {
  let directory: string;
  let path: string;
  let conversationId: string;
  let reader: Database.Database;

  before(async () => {
    ({ directory, path, conversationId } = await fileWithConversation('santa-chat-checkpointer-'));
    reader = new Database(path, { readonly: true });
  });

  after(async () => {
    reader.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('hands the end of each checkpoint to the writer, so the WAL starts again under a writer that never pauses', async () => {
    // The relay's schedule, scaled down: a pass every 20 ms, a hand-off past 256 KiB of WAL.
    const schedule: CheckpointSchedule = { idleMs: 20, busyMs: 20, retryMs: 20, handOffBytes: 256 * 1024 };
    // No interval between batches: the next is always waiting when one commits.
    const writer = new SqliteWriterThread(path, startSqliteWriterWorkerWith(schedule), 512, 0);
    const walPath = `${path}-wal`;
    const content = 'x'.repeat(200);
    const count = (): number => reader.prepare<[], number>('SELECT COUNT(*) FROM messages').pluck().get()!;
    let clientId = 0;
    const append = () =>
      writer.enqueue({ kind: 'append', input: { conversationId, senderId: 'a', content, clientId: `w${(clientId += 1)}`, now: 1000 } });
    try {
      // Until the checkpointer thread is up: with pauses between the writes, one of its passes
      // finds the WAL finished and the next write starts it again.
      await append();
      const started = walSequence(walPath);
      const deadline = Date.now() + 10_000;
      while (walSequence(walPath) === started && Date.now() < deadline) {
        await append();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.notEqual(walSequence(walPath), started, 'the checkpointer started');
      const before = count();
      const sequenceBefore = walSequence(walPath);
      let largestWal = 0;
      // Waves of 20 appends, six at a time, so that the writer is never idle: no pass ever finds
      // the WAL finished by itself, and only a hand-off can start it again.
      const inFlight: Promise<unknown>[] = [];
      for (let wave = 0; wave < 400; wave += 1) {
        inFlight.push(Promise.all(Array.from({ length: 20 }, append)));
        await new Promise((resolve) => setImmediate(resolve));
        if (inFlight.length > 6) await inFlight.shift();
        largestWal = Math.max(largestWal, statSync(walPath).size);
      }
      await Promise.all(inFlight);
      assert.equal(count() - before, 8000, 'every append is stored');
      const restarts = walSequence(walPath) - sequenceBefore;
      assert.ok(restarts >= 3, `the WAL started again ${restarts} times; largest ${largestWal}`);
      assert.ok(largestWal < 5 * 1024 * 1024, `the WAL grew to ${largestWal} bytes`);
    } finally {
      await writer.close();
    }
  });
});
