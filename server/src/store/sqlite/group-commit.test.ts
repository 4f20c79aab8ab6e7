import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteGroupCommit } from './group-commit.js';

describe('SqliteGroupCommit', () => {
  let directory: string;
  let writer: Database.Database;
  let reader: Database.Database;
  let groupCommit: SqliteGroupCommit;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'santa-chat-group-commit-'));
    const path = join(directory, 'batch.db');
    writer = new Database(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('synchronous = FULL');
    writer.exec('CREATE TABLE rows (n INTEGER PRIMARY KEY, label TEXT NOT NULL)');
    reader = new Database(path, { readonly: true });
    groupCommit = new SqliteGroupCommit(writer);
  });

  after(async () => {
    reader.close();
    writer.close();
    await rm(directory, { recursive: true, force: true });
  });

  const committedCount = (): number => reader.prepare<[], number>('SELECT COUNT(*) FROM rows').pluck().get()!;

  it('runs the writes of one turn in one transaction and settles them after its COMMIT', async () => {
    const start = committedCount();
    const seenByOthersDuringBatch: number[] = [];
    const settledWhileCommitted: number[] = [];
    const writes = Array.from({ length: 100 }, (_, index) =>
      groupCommit
        .enqueue(() => {
          writer.prepare('INSERT INTO rows (n, label) VALUES (?, ?)').run(1000 + index, 'batch');
          seenByOthersDuringBatch.push(committedCount() - start);
          return index;
        })
        .then((value) => {
          settledWhileCommitted.push(committedCount() - start);
          return value;
        }),
    );
    assert.deepEqual(await Promise.all(writes), [...Array(100).keys()]);
    // Inside the batch no other connection sees any of it: one uncommitted transaction.
    assert.deepEqual(new Set(seenByOthersDuringBatch), new Set([0]));
    // Every promise settles with all 100 rows already durable.
    assert.deepEqual(new Set(settledWhileCommitted), new Set([100]));
  });

  it('rolls back only the write that failed, and rejects only its promise', async () => {
    const write = (n: number, fail: boolean) =>
      groupCommit.enqueue(() => {
        writer.prepare('INSERT INTO rows (n, label) VALUES (?, ?)').run(n, 'mixed');
        if (fail) throw new Error(`write ${n} failed after inserting`);
        return n;
      });
    const results = await Promise.allSettled([write(1, false), write(2, true), write(3, false)]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /write 2 failed/);
    const stored = reader.prepare<[], number>("SELECT n FROM rows WHERE label = 'mixed' ORDER BY n").pluck().all();
    assert.deepEqual(stored, [1, 3]);
  });

  it('lets each write see the ones queued before it', async () => {
    const max = writer.prepare<[], number>('SELECT COALESCE(MAX(n), 0) FROM rows').pluck();
    const next = () =>
      groupCommit.enqueue(() => {
        const n = max.get()! + 1;
        writer.prepare('INSERT INTO rows (n, label) VALUES (?, ?)').run(n, 'sequence');
        return n;
      });
    const numbers = await Promise.all([next(), next(), next(), next()]);
    assert.deepEqual(
      numbers.map((n) => n - numbers[0]!),
      [0, 1, 2, 3],
    );
  });

  it('splits a long queue into batches of at most maxBatch, in order', async () => {
    const small = new SqliteGroupCommit(writer, 7);
    const start = committedCount();
    const order: number[] = [];
    // What other connections see while a write runs tells which batch it is in.
    const committedBefore: number[] = [];
    const writes = Array.from({ length: 30 }, (_, index) =>
      small.enqueue(() => {
        writer.prepare("INSERT INTO rows (label) VALUES ('split')").run();
        order.push(index);
        committedBefore.push(committedCount() - start);
      }),
    );
    await Promise.all(writes);
    assert.deepEqual(order, [...Array(30).keys()]);
    assert.deepEqual([...new Set(committedBefore)], [0, 7, 14, 21, 28]);
  });

  it('commits what is queued when flushed before the database closes', async () => {
    const start = committedCount();
    const pending = groupCommit.enqueue(() => writer.prepare("INSERT INTO rows (label) VALUES ('flushed')").run());
    groupCommit.flush();
    assert.equal(committedCount(), start + 1);
    await pending;
  });
});
