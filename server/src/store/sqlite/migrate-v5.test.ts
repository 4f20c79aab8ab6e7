import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { groupWrite, openPair } from '../conformance/fixtures.test-support.js';
import type { MessageRecord } from '../store.js';
import { connectSqlite } from './connection.js';
import { SqliteInThreadWriter } from './in-thread-writer.js';
import { applySqliteMigrations } from './migrate.js';
import { sqliteMigrations } from './migrations.js';
import { prepareSqliteStatements } from './statements.js';
import { openSqliteStore, SqliteStore } from './store.js';

/**
 * Schema version 5 rebuilds `messages` in place (keyed by rowid, no index on the random id).
 * A database populated at version 4 through the store's own statements, copied, then opened by
 * the current relay keeps every message, seq, clientId, cursor, notice and report.
 */
describe('SQLite migration to schema 5 (messages keyed by rowid)', () => {
  it('upgrades a populated version-4 database in place, losing nothing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'santa-chat-migrate-v5-'));
    try {
      const original = join(directory, 'v4.db');
      const copy = join(directory, 'copy.db');

      // Version 4, written through the store (in this thread), as a relay of that version would.
      const database = connectSqlite(original);
      applySqliteMigrations(database, sqliteMigrations.filter((migration) => migration.version <= 4), 50);
      const statements = prepareSqliteStatements(database);
      const old = new SqliteStore(database, statements, new SqliteInThreadWriter(database, statements));
      const conversations: string[] = [];
      for (const group of ['g1', 'g2', 'g3']) {
        await old.putGroup(group, groupWrite(), 100);
        conversations.push((await openPair(old, group, 'a', 'b', 100)).conversation.id);
        conversations.push((await openPair(old, group, 'c', 'd', 100)).conversation.id);
      }
      // Interleaved across conversations, with and without clientIds, some of them retries.
      const appends = [];
      for (let index = 0; index < 600; index += 1) {
        const conversationId = conversations[index % conversations.length]!;
        const senderId = index % conversations.length % 2 === 0 ? (index % 3 === 0 ? 'a' : 'b') : index % 3 === 0 ? 'c' : 'd';
        const clientId = index % 7 === 0 ? null : `client-${senderId}-${index}`;
        appends.push(old.appendMessage({ conversationId, senderId, content: `message ${index} ${'x'.repeat(index % 40)}`, clientId, now: 1000 + index, noticeDueAt: 5000 }));
      }
      const results = await Promise.all(appends);
      const withClientIds = results.flatMap((result) => (result.kind === 'stored' && result.message.clientId !== null ? [result.message] : []));
      const retries = await Promise.all(withClientIds.slice(0, 50).map((message) => old.appendMessage({ ...message, content: 'retry', now: 9000 })));
      assert.ok(retries.every((retry) => retry.kind === 'duplicate'), 'retries store nothing at version 4');
      await old.markRead(conversations[0]!, 'b', 40);
      await old.markRead(conversations[1]!, 'd', 7);
      const reported = results.find((result) => result.kind === 'stored' && result.message.senderId === 'a')!;
      assert.ok(reported.kind === 'stored');
      await old.reportMessage(
        {
          id: 'r_1',
          groupId: 'g1',
          conversationId: reported.message.conversationId,
          messageId: reported.message.id,
          reporterId: 'b',
          senderId: 'a',
          content: reported.message.content,
          reason: 'spam',
          createdAt: 7000,
        },
        null,
      );
      const history = async (store: SqliteStore): Promise<Map<string, MessageRecord[]>> =>
        new Map(
          await Promise.all(
            conversations.map(async (id) => [id, (await store.listMessages(id, { limit: 10_000 })).messages] as const),
          ),
        );
      const before = await history(old);
      const overviewsBefore = await Promise.all(['a', 'b', 'c', 'd'].map((user) => old.listConversations(user)));
      const reportsBefore = await old.listReports('g1');
      const noticesBefore = database.prepare('SELECT * FROM unread_notices ORDER BY conversation_id, user_id').all();
      await old.close();
      assert.equal([...before.values()].flat().length, 600);

      copyFileSync(original, copy);
      const store = openSqliteStore(copy);
      try {
        assert.deepEqual(await history(store), before, 'every message, with its id, seq, sender, content, clientId and time');
        assert.deepEqual(await Promise.all(['a', 'b', 'c', 'd'].map((user) => store.listConversations(user))), overviewsBefore);
        assert.deepEqual(await store.listReports('g1'), reportsBefore);
        assert.deepEqual(await store.getMessage(reported.message.conversationId, reported.message.id), reported.message);
        // Each clientId still finds its original, and a retry stores nothing.
        for (const result of results) {
          if (result.kind !== 'stored' || result.message.clientId === null) continue;
          assert.deepEqual(await store.findMessageByClientId(result.message.senderId, result.message.clientId), result.message);
        }
        const stored = results.filter((result) => result.kind === 'stored').map((result) => result.message);
        const retried = await Promise.all(
          stored.filter((message) => message.clientId !== null).slice(0, 80).map((message) => store.appendMessage({ ...message, content: 'again', now: 20_000 })),
        );
        assert.deepEqual(
          retried,
          stored.filter((message) => message.clientId !== null).slice(0, 80).map((message) => ({ kind: 'duplicate', message })),
        );
        // seq goes on from where each conversation was, without gaps.
        for (const id of conversations) {
          const last = before.get(id)!.at(-1)!.seq;
          const next = await store.appendMessage({ conversationId: id, senderId: 'a', content: 'after the upgrade', clientId: `after-${id}`, now: 30_000 });
          assert.equal(next.kind === 'stored' ? next.message.seq : next.kind, last + 1);
        }
        const raw = new Database(copy, { readonly: true });
        try {
          assert.deepEqual(raw.prepare('SELECT * FROM unread_notices ORDER BY conversation_id, user_id').all(), noticesBefore);
          // Keyed by rowid; the only indexes are (conversation_id, seq) and the dedupe one: none on id.
          const indexes = raw.prepare<[], { name: string }>('PRAGMA index_list(messages)').all();
          const indexed = indexes.map(({ name }) =>
            raw.prepare<[], { name: string }>(`PRAGMA index_info(${JSON.stringify(name)})`).all().map((column) => column.name).join(','),
          );
          assert.deepEqual(indexed.sort(), ['conversation_id,seq', 'sender_id,client_id']);
          // The history that existed is stored in (conversation, seq) order.
          const order = raw.prepare<[], { conversation_id: string; seq: number }>('SELECT conversation_id, seq FROM messages ORDER BY rowid').all();
          const sorted = [...order].sort((left, right) =>
            left.conversation_id === right.conversation_id ? left.seq - right.seq : left.conversation_id < right.conversation_id ? -1 : 1,
          );
          assert.deepEqual(order.slice(0, 600), sorted.filter((row) => row.seq <= before.get(row.conversation_id)!.length).slice(0, 600));
          assert.equal(raw.prepare('PRAGMA integrity_check').pluck().get(), 'ok');
          assert.deepEqual(raw.prepare('PRAGMA foreign_key_check').all(), []);
        } finally {
          raw.close();
        }
      } finally {
        await store.close();
      }
      // The copy was upgraded; the original was not touched.
      const untouched = new Database(original, { readonly: true });
      try {
        assert.equal(untouched.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get(), 4);
      } finally {
        untouched.close();
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
