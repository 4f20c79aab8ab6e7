import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, statSync, truncateSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runStoreConformance } from '../conformance/suite.test-support.js';
import { groupWrite, openPair, send } from '../conformance/fixtures.test-support.js';
import { openSqliteStore, type SqliteStore } from './store.js';
import { connectSqliteWriter, readConnectionSettings, writerCacheKib } from './connection.js';
import { sqliteMigrations } from './migrations.js';

/** A database file in a fresh temp directory, under a folder that does not exist yet. */
async function tempDatabasePath(): Promise<{ path: string; removeDirectory: () => Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'santa-chat-sqlite-'));
  return {
    path: join(directory, 'data', 'santa-chat.db'),
    removeDirectory: () => rm(directory, { recursive: true, force: true }),
  };
}

async function withDatabasePath(work: (path: string) => Promise<void>): Promise<void> {
  const { path, removeDirectory } = await tempDatabasePath();
  try {
    await work(path);
  } finally {
    await removeDirectory();
  }
}

runStoreConformance('sqlite', async () => {
  const { path, removeDirectory } = await tempDatabasePath();
  const store = openSqliteStore(path);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await removeDirectory();
    },
  };
});

// ':memory:' cannot be shared with a writer thread: its appends commit in this thread.
runStoreConformance('sqlite :memory:', async () => {
  const store = openSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});

describe('SQLite store', () => {
  it('runs with WAL, FULL sync, foreign keys, secure_delete, a busy timeout, a 64 MiB page cache and no autocheckpoint', async () => {
    await withDatabasePath(async (path) => {
      const store = openSqliteStore(path);
      try {
        assert.deepEqual(store.connectionSettings(), {
          journalMode: 'wal',
          synchronous: 2,
          foreignKeys: true,
          secureDelete: true,
          busyTimeoutMs: 5000,
          cacheSizeKib: 65536,
          walAutocheckpoint: 0,
        });
      } finally {
        await store.close();
      }
    });
  });

  it("gives the writer thread's connection the same settings with a 16 MiB page cache", async () => {
    await withDatabasePath(async (path) => {
      const store = openSqliteStore(path);
      const writer = connectSqliteWriter(path);
      try {
        assert.deepEqual(readConnectionSettings(writer), { ...store.connectionSettings(), cacheSizeKib: 16384 });
      } finally {
        writer.close();
        await store.close();
      }
    });
  });

  it("opens the writer with the store's page cache when the file is 1 GiB or more, where SQLite no longer walks it at COMMIT", async () => {
    assert.equal(writerCacheKib(262_144, 4096), 16384);
    assert.equal(writerCacheKib(262_145, 4096), 65536);
    assert.equal(writerCacheKib(131_073, 8192), 65536);
    await withDatabasePath(async (path) => {
      await openSqliteStore(path).close();
      // A 1 GiB file without writing 1 GiB: sparse, its header's page count raised to match.
      const pages = 262_146;
      truncateSync(path, pages * 4096);
      const file = openSync(path, 'r+');
      try {
        const header = Buffer.alloc(100);
        readSync(file, header, 0, 100, 0);
        header.writeUInt32BE(pages, 28);
        header.writeUInt32BE(header.readUInt32BE(24), 92);
        writeSync(file, header, 0, 100, 0);
      } finally {
        closeSync(file);
      }
      const writer = connectSqliteWriter(path);
      try {
        assert.equal(readConnectionSettings(writer).cacheSizeKib, 65536);
      } finally {
        writer.close();
      }
    });
  });

  it('copies the WAL back into the file beside the commits: no connection checkpoints at its COMMIT', async () => {
    await withDatabasePath(async (path) => {
      const store = openSqliteStore(path);
      try {
        await store.putGroup('g1', groupWrite(), 100);
        const { conversation } = await openPair(store, 'g1', 'a', 'b', 100);
        const fileBytes = (): number => statSync(path).size;
        // Every connection runs without SQLite's own autocheckpoint.
        assert.equal(store.connectionSettings().walAutocheckpoint, 0);
        const before = fileBytes();
        const sends = Array.from({ length: 3000 }, (_, index) =>
          store.appendMessage({ conversationId: conversation.id, senderId: 'a', content: `${'x'.repeat(200)} ${index}`, clientId: `c${index}`, now: 200 }),
        );
        await Promise.all(sends);
        assert.equal(fileBytes(), before, 'the commits wrote only the WAL');
        // Within about a second the checkpointer thread copies the frames into the file (a stat
        // taken during the pass sees the file part-way grown, so wait for all of it).
        const deadline = Date.now() + 5000;
        while (fileBytes() <= before + 500_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        assert.ok(fileBytes() > before + 500_000, `the file grew from ${before} to ${fileBytes()} bytes`);
      } finally {
        await store.close();
      }
    });
  });

  it('starts the WAL again under a steady stream of commits: the writer finishes what the checkpointer caught up on', async () => {
    await withDatabasePath(async (path) => {
      const store = openSqliteStore(path);
      try {
        await store.putGroup('g1', groupWrite(), 100);
        const { conversation } = await openPair(store, 'g1', 'a', 'b', 100);
        // The WAL header's checkpoint sequence number goes up each time the WAL starts again.
        const walSequence = (): number | null => {
          const header = readFileSync(`${path}-wal`).subarray(0, 16);
          return header.length === 16 ? header.readUInt32BE(12) : null;
        };
        const sequences = new Set<number>();
        let stop = false;
        const sampling = (async () => {
          while (!stop) {
            const sequence = walSequence();
            if (sequence !== null) sequences.add(sequence);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
        // Commits back to back for 4 s: each checkpointer pass races one, so none of them can
        // finish a checkpoint by itself (SQLite starts the WAL again only after one that did).
        const until = Date.now() + 4000;
        let index = 0;
        while (Date.now() < until) {
          await Promise.all(
            Array.from({ length: 20 }, () => {
              index += 1;
              return store.appendMessage({ conversationId: conversation.id, senderId: 'a', content: `${'x'.repeat(200)} ${index}`, clientId: `c${index}`, now: 200 });
            }),
          );
        }
        stop = true;
        await sampling;
        assert.ok(sequences.size >= 3, `the WAL started again ${sequences.size - 1} times in 4 s of commits (${index} messages)`);
      } finally {
        await store.close();
      }
    });
  });

  it('holds a descriptor of its own on the file for the checkpointer, and closes it with the store', { skip: process.platform !== 'linux' && 'reads /proc/self/fd' }, async () => {
    await withDatabasePath(async (path) => {
      const descriptorsOfFile = (): number =>
        readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === path;
          } catch {
            return false;
          }
        }).length;
      const store = openSqliteStore(path);
      await store.putGroup('g1', groupWrite(), 100);
      // This thread's connection, the writer's, the checkpointer's and the store's own.
      const deadline = Date.now() + 5000;
      while (descriptorsOfFile() < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(descriptorsOfFile(), 4);
      await store.close();
      assert.equal(descriptorsOfFile(), 0);
    });
  });

  for (const where of ['file', ':memory:'] as const) {
    it(`runs a group write exactly between the batch committing and the next (${where})`, async () => {
      const { path, removeDirectory } = await tempDatabasePath();
      const store = openSqliteStore(where === 'file' ? path : ':memory:');
      try {
        await store.putGroup('g1', groupWrite(), 100);
        const { conversation } = await openPair(store, 'g1', 'a', 'b', 100);
        const wave = (label: string) =>
          Array.from({ length: 50 }, (_, index) =>
            store.appendMessage({ conversationId: conversation.id, senderId: 'a', content: label, clientId: `${label}${index}`, now: 200 }),
          );
        const committing = wave('before');
        await new Promise((resolve) => setImmediate(resolve));
        const closing = store.putGroup('g1', groupWrite({ assignments: [] }), 300);
        const queued = wave('after');
        const [before, put, after] = await Promise.all([Promise.all(committing), closing, Promise.all(queued)]);
        assert.deepEqual(
          before.map((result) => (result.kind === 'stored' ? result.message.seq : result.kind)),
          Array.from({ length: 50 }, (_, index) => index + 1),
        );
        assert.equal(put.closed[0]?.conversation.lastSeq, 50);
        assert.deepEqual(new Set(after.map((result) => result.kind)), new Set(['closed']));
      } finally {
        await store.close();
        await removeDirectory();
      }
    });
  }

  it('opens in memory for quick use', async () => {
    const store = openSqliteStore(':memory:');
    await store.putGroup('g1', groupWrite(), 100);
    assert.equal((await store.getGroup('g1'))?.name, 'Office 2026');
    await store.close();
  });

  it('keeps everything across close and reopen', async () => {
    await withDatabasePath(async (path) => {
      const first = openSqliteStore(path);
      const put = await first.putGroup('g1', groupWrite({ revealAt: 1000 }), 100);
      await first.putGroup('g1', groupWrite({ revealAt: 9000 }), 2000);
      const context = await openPair(first, 'g1', 'a', 'b', 200);
      const conversationId = context.conversation.id;
      const original = await send(first, conversationId, 'a', 'survives', 300, 'client-1');
      await send(first, conversationId, 'a', 'me too', 310);
      await first.markRead(conversationId, 'b', 1);
      await first.close();

      const second = openSqliteStore(path);
      try {
        const group = await second.getGroup('g1');
        assert.equal(group?.createdAt, put.group.createdAt);
        assert.equal(group?.revealSetAt, 2000);
        assert.equal(context.conversation.revealedAt, 1000, 'opened after the latch: the pair was revealed');
        assert.deepEqual(group?.members, put.group.members);
        assert.deepEqual(await second.openConversation('g1', 'a', 'b', 400), {
          context: {
            ...context,
            conversation: { ...context.conversation, lastSeq: 2 },
            group: { id: 'g1', name: 'Office 2026', revealAt: 9000 },
          },
          created: false,
        });
        assert.equal((await second.getConversationOverview(conversationId, 'b'))?.unread, 1);
        const retry = await second.appendMessage({ conversationId, senderId: 'a', content: 'x', clientId: 'client-1', now: 500 });
        assert.deepEqual(retry, { kind: 'duplicate', message: original });
        assert.equal((await send(second, conversationId, 'b', 'next', 600)).seq, 3);
      } finally {
        await second.close();
      }
    });
  });

  it('records each migration once and does not re-apply it on reopen', async () => {
    await withDatabasePath(async (path) => {
      await openSqliteStore(path).close();
      const readMigrations = () => {
        const raw = new Database(path, { readonly: true });
        try {
          return raw
            .prepare<[], { version: number; applied_at: number }>('SELECT version, applied_at FROM schema_migrations ORDER BY version')
            .all();
        } finally {
          raw.close();
        }
      };
      const recorded = readMigrations();
      assert.deepEqual(
        recorded.map((row) => row.version),
        sqliteMigrations.map((migration) => migration.version),
      );

      const reopened: SqliteStore = openSqliteStore(path);
      await reopened.ping();
      await reopened.close();
      assert.deepEqual(readMigrations(), recorded);
    });
  });

  it('deleteGroup leaves no trace of content or names in the database and WAL files', async () => {
    await withDatabasePath(async (path) => {
      const secretContent = 'purple-walrus-whispers-at-midnight';
      const secretName = 'Zebulon Quixotic-Marchbanks';
      const store = openSqliteStore(path);
      try {
        const members = [
          { id: 'a', name: secretName },
          { id: 'b', name: 'Bob' },
        ];
        const assignments = [
          { santa: 'a', giftee: 'b' },
          { santa: 'b', giftee: 'a' },
        ];
        await store.putGroup('kept', groupWrite({ name: 'Kept group' }), 100);
        const kept = await openPair(store, 'kept', 'a', 'b', 100);
        await store.putGroup('erased', groupWrite({ members, assignments }), 100);
        const erased = await openPair(store, 'erased', 'a', 'b', 100);
        // Enough rows to spread over many pages and interleave with the group that stays.
        for (let index = 0; index < 300; index += 1) {
          await send(store, erased.conversation.id, 'a', `${secretContent} #${index} ${'x'.repeat(index % 50)}`, 200 + index);
          await send(store, kept.conversation.id, 'b', `harmless #${index}`, 200 + index);
        }
        const filesContain = (needle: string): boolean =>
          [path, `${path}-wal`, `${path}-journal`].some(
            (file) => existsSync(file) && readFileSync(file).includes(Buffer.from(needle, 'utf8')),
          );
        assert.equal(filesContain(secretContent), true, 'the check must be able to see the content');
        assert.equal(filesContain(secretName), true, 'the check must be able to see the name');

        // The erasure comes while the writer thread is committing a batch of the other group.
        const sending = Array.from({ length: 200 }, (_, index) => send(store, kept.conversation.id, 'a', `busy #${index}`, 600));
        await new Promise((resolve) => setImmediate(resolve));
        const deleted = await store.deleteGroup('erased');
        await Promise.all(sending);
        assert.equal(deleted.deleted, true);
        assert.equal(filesContain(secretContent), false);
        assert.equal(filesContain(secretName), false);
        assert.equal((await store.listMessages(kept.conversation.id, { limit: 1000 })).messages.length, 500);
      } finally {
        await store.close();
      }
    });
  });
});
