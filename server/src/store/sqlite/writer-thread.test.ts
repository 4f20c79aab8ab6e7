import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { groupWrite, openPair } from '../conformance/fixtures.test-support.js';
import { openSqliteStore } from './store.js';
import { CHECKPOINTER_THREAD_NAME, WRITER_THREAD_NAME } from './thread-name.js';
import { CHECKPOINTER_NICENESS } from './thread-priority.js';
import { decodeBatch } from './writer-protocol.js';
import { FULL_BATCH, SqliteWriterThread, startSqliteWriterWorker, type StartWriterWorker } from './writer-thread.js';

describe('SqliteWriterThread', () => {
  let directory: string;
  let path: string;
  let conversationId: string;
  let reader: Database.Database;
  let nextClientId = 0;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'santa-chat-writer-thread-'));
    path = join(directory, 'writer.db');
    const store = openSqliteStore(path);
    await store.putGroup('g1', groupWrite(), 100);
    conversationId = (await openPair(store, 'g1', 'a', 'b', 100)).conversation.id;
    await store.close();
    reader = new Database(path, { readonly: true });
  });

  after(async () => {
    reader.close();
    await rm(directory, { recursive: true, force: true });
  });

  const committedCount = (): number => reader.prepare<[], number>('SELECT COUNT(*) FROM messages').pluck().get()!;
  const append = (writer: SqliteWriterThread, clientId = `c${(nextClientId += 1)}`) =>
    writer.enqueue({ kind: 'append', input: { conversationId, senderId: 'a', content: clientId, clientId, now: 1000 } });
  const burst = (writer: SqliteWriterThread, count: number) => Array.from({ length: count }, () => append(writer));
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  /** This process's threads (Linux, through /proc): their ids and names. */
  const threads = (): { id: number; name: string }[] =>
    readdirSync('/proc/self/task').map((thread) => ({ id: Number(thread), name: readFileSync(`/proc/self/task/${thread}/comm`, 'utf8').trim() }));
  const threadNames = (): string[] => threads().map((thread) => thread.name);
  const threadsNamed = (name: string): number[] => threads().filter((thread) => thread.name === name).map((thread) => thread.id);

  it('settles each write after its batch committed, and runs exclusive work between two batches', async () => {
    const writer = new SqliteWriterThread(path);
    try {
      const start = committedCount();
      const first = burst(writer, 100).map((write) => write.then(() => committedCount() - start));
      await nextTurn();
      // The first batch is in flight now; this waits for it and runs before the next one.
      const seenBetween = writer.exclusive(() => committedCount() - start);
      const second = burst(writer, 50);
      // Each write settled with its batch durable. The second batch is posted in the same turn
      // as the first's outcome, so on a busy machine its COMMIT may land before these reads.
      assert.ok((await Promise.all(first)).every((count) => count >= 100));
      // The exclusive work ran after the first COMMIT and before the second batch was sent.
      assert.equal(await seenBetween, 100);
      await Promise.all(second);
      assert.equal(committedCount() - start, 150);
    } finally {
      await writer.close();
    }
  });

  it('sends the next batch while the previous COMMIT syncs, and settles each write after its own COMMIT', async () => {
    const events: string[] = [];
    const recording: StartWriterWorker = (workerPath) => {
      const worker = startSqliteWriterWorker(workerPath, null);
      const post = worker.postMessage.bind(worker);
      worker.postMessage = (message: { type: string; writes?: unknown[] }) => {
        if (message.type === 'batch') events.push(`send ${decodeBatch(message.writes!).length}`);
        post(message);
      };
      worker.on('message', (message: { type: string }) => events.push(message.type));
      return worker;
    };
    const writer = new SqliteWriterThread(path, { startWorker: recording });
    try {
      const start = committedCount();
      const first = burst(writer, 200).map((write) => write.then(() => committedCount() - start));
      await nextTurn();
      // The first batch is in flight: these wait for its `executed`, not for its outcome.
      const second = burst(writer, 100).map((write) => write.then(() => committedCount() - start));
      const [seenByFirst, seenBySecond] = await Promise.all([Promise.all(first), Promise.all(second)]);
      assert.deepEqual(events, ['send 200', 'executed', 'send 100', 'committed', 'executed', 'committed']);
      // Each write settled with its own batch durable (the next may be too by then).
      assert.ok(seenByFirst.every((count) => count >= 200));
      assert.deepEqual(new Set(seenBySecond), new Set([300]));
    } finally {
      await writer.close();
    }
  });

  it('starts a batch at most once per interval unless a full batch waits; an idle writer sends at once; close does not wait', async () => {
    const sent: { size: number; at: number }[] = [];
    const recording: StartWriterWorker = (workerPath) => {
      const worker = startSqliteWriterWorker(workerPath, null);
      const post = worker.postMessage.bind(worker);
      worker.postMessage = (message: { type: string; writes?: unknown[] }) => {
        if (message.type === 'batch') sent.push({ size: decodeBatch(message.writes!).length, at: performance.now() });
        post(message);
      };
      return worker;
    };
    const interval = 1000;
    const writer = new SqliteWriterThread(path, { startWorker: recording, interval });
    try {
      // Idle: the first write goes in the turn after it came.
      const started = performance.now();
      await append(writer);
      assert.deepEqual(sent.map((batch) => batch.size), [1]);
      assert.ok(sent[0]!.at - started < interval / 2, `the first batch waited ${sent[0]!.at - started} ms`);
      // Within the interval: three writes wait together for its end (timers never fire early).
      const three = burst(writer, 3);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(sent.length, 1, 'nothing sent before the interval is up');
      await Promise.all(three);
      assert.deepEqual(sent.map((batch) => batch.size), [1, 3]);
      assert.ok(sent[1]!.at - sent[0]!.at >= interval - 1, `the second batch came ${sent[1]!.at - sent[0]!.at} ms after the first`);
      // A full batch does not wait for the interval.
      const full = burst(writer, FULL_BATCH);
      await Promise.all(full);
      assert.deepEqual(sent.map((batch) => batch.size), [1, 3, FULL_BATCH]);
      assert.ok(sent[2]!.at - sent[1]!.at < interval / 2, `the full batch waited ${sent[2]!.at - sent[1]!.at} ms`);
      // Closing commits what waits at once.
      const last = burst(writer, 2);
      const closing = performance.now();
      await writer.close();
      assert.equal((await Promise.all(last)).length, 2);
      assert.ok(performance.now() - closing < interval / 2, `close waited ${performance.now() - closing} ms`);
      assert.deepEqual(sent.map((batch) => batch.size), [1, 3, FULL_BATCH, 2]);
    } finally {
      await writer.close();
    }
  });

  it('close commits every queued batch, then refuses new writes', async () => {
    const writer = new SqliteWriterThread(path, { maxBatch: 64 });
    const start = committedCount();
    const writes = burst(writer, 300);
    await writer.close();
    assert.equal((await Promise.all(writes)).length, 300);
    assert.equal(committedCount() - start, 300);
    await assert.rejects(append(writer), /closed/);
  });

  it('names its threads, so `top -H` and `perf` tell the writer and the checkpointer apart', { skip: process.platform !== 'linux' && 'Linux names threads through /proc' }, async () => {
    assert.ok(!threadNames().includes(WRITER_THREAD_NAME));
    const writer = new SqliteWriterThread(path);
    try {
      await append(writer);
      // A thread starts with the name of the thread that made it: the checkpointer's is named
      // like the writer's until its own code has loaded and renamed it. (Under tsx, each worker
      // also starts a module-loader thread before its code runs, and the checkpointer's keeps the
      // writer's name: it idles once the modules are loaded.)
      const deadline = Date.now() + 10_000;
      while (!threadNames().includes(CHECKPOINTER_THREAD_NAME) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const names = threadNames();
      assert.ok(names.includes(WRITER_THREAD_NAME), names.join(', '));
      assert.equal(names.filter((name) => name === CHECKPOINTER_THREAD_NAME).length, 1, names.join(', '));
    } finally {
      await writer.close();
    }
  });

  it('runs its checkpointer below the priority of the process, and its writer at it', { skip: process.platform !== 'linux' && 'a thread has a priority of its own on Linux' }, async () => {
    const writer = new SqliteWriterThread(path);
    try {
      await append(writer);
      const processPriority = getPriority(process.pid);
      const expected = Math.min(19, processPriority + CHECKPOINTER_NICENESS);
      // The checkpointer names itself, then lowers its priority.
      const lowered = (): boolean => threadsNamed(CHECKPOINTER_THREAD_NAME).some((thread) => getPriority(thread) === expected);
      const deadline = Date.now() + 10_000;
      while (!lowered() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(threadsNamed(CHECKPOINTER_THREAD_NAME).map((thread) => getPriority(thread)), [expected]);
      // The writer's own thread (the first so named; under tsx the checkpointer's module loader
      // thread carries its name too, made before the checkpointer lowered itself).
      assert.equal(getPriority(threadsNamed(WRITER_THREAD_NAME)[0]!), processPriority);
    } finally {
      await writer.close();
    }
  });

  it('rejects the batch of a thread that dies, and starts a new thread for the next batch', async () => {
    let started = 0;
    const startDyingFirst: StartWriterWorker = (workerPath) => {
      started += 1;
      if (started > 1) return startSqliteWriterWorker(workerPath, null);
      return new Worker("require('node:worker_threads').parentPort.on('message', () => process.exit(3))", { eval: true });
    };
    const writer = new SqliteWriterThread(path, { startWorker: startDyingFirst });
    try {
      const lost = await Promise.allSettled([append(writer, 'lost-1'), append(writer, 'lost-2')]);
      for (const outcome of lost) {
        assert.equal(outcome.status, 'rejected');
        assert.match(String((outcome as PromiseRejectedResult).reason), /writer thread stopped \(exit code 3\)/);
      }
      // The client's retry of a lost write, with its clientId, goes to a new thread.
      const retried = await append(writer, 'lost-1');
      assert.equal(retried.kind, 'stored');
      assert.equal(started, 2);
    } finally {
      await writer.close();
    }
  });

  it('settles every write when its thread is terminated mid-batch, and the file stays writable', async () => {
    let worker: Worker | undefined;
    const writer = new SqliteWriterThread(path, { startWorker: (workerPath, syncFd) => (worker = startSqliteWriterWorker(workerPath, syncFd)) });
    try {
      await append(writer);
      const writes = burst(writer, 500);
      await nextTurn();
      await worker!.terminate();
      const outcomes = await Promise.allSettled(writes);
      const stored = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
      assert.ok(stored === 0 || stored === 500, `a batch commits whole or not at all, not ${stored} of 500`);
      assert.equal((await append(writer)).kind, 'stored');
      // No lock was left behind: another connection can write at once.
      const other = new Database(path, { timeout: 100 });
      try {
        other.exec("BEGIN IMMEDIATE; UPDATE groups SET name = 'still writable'; COMMIT");
      } finally {
        other.close();
      }
    } finally {
      await writer.close();
    }
  });
});
