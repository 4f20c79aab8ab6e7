import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ConversationContext, ConversationOverview, MessageRecord, ReportRecord } from '../store.js';
import { sqliteMigrations } from './migrations.js';
import { openSqliteStore } from './store.js';

/** What the relay of that version read back from its own file (`fixtures/populate.ts`). */
interface Fixture {
  version: number;
  notices: unknown[];
  conversations: string[];
  history: Record<string, MessageRecord[]>;
  overviews: Record<string, ConversationOverview[]>;
  contexts: Record<string, ConversationContext>;
  reports: ReportRecord[];
  reported: MessageRecord;
}

const fixtures = new URL('./fixtures/', import.meta.url);
const latest = Math.max(...sqliteMigrations.map((migration) => migration.version));

/**
 * Files written by the relays of earlier schema versions, through their own stores (schema 4:
 * `id` the primary key of `messages`; 5: rowid, `last_seq` kept in `conversations`, dedupe
 * index by sender). Today's store opens a copy, upgrades it in place, and must answer every
 * read as that relay did, keep deduplicating, and go on numbering.
 */
describe('SQLite migrations, on files the earlier relays wrote', () => {
  for (const name of ['v4', 'v5']) {
    it(`upgrades ${name}.db in place to schema ${latest}, losing nothing`, async () => {
      const fixture = JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8')) as Fixture;
      const directory = await mkdtemp(join(tmpdir(), `santa-chat-migrate-${name}-`));
      try {
        const copy = join(directory, 'copy.db');
        copyFileSync(new URL(`${name}.db`, fixtures), copy);
        const before = new Database(copy, { readonly: true });
        assert.equal(before.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get(), fixture.version);
        before.close();

        const store = openSqliteStore(copy);
        try {
          for (const id of fixture.conversations) {
            assert.deepEqual((await store.listMessages(id, { limit: 10_000 })).messages, fixture.history[id], `history of ${id}`);
            assert.deepEqual(await store.getConversation(id), fixture.contexts[id], `context (lastSeq) of ${id}`);
          }
          // Unread counts, the last message, the peer's cursor and the order by latest activity.
          for (const user of ['a', 'b', 'c', 'd']) {
            assert.deepEqual(await store.listConversations(user), fixture.overviews[user], `conversations of ${user}`);
          }
          assert.deepEqual(await store.listReports('g1'), fixture.reports);
          assert.deepEqual(await store.getMessage(fixture.reported.conversationId, fixture.reported.id), fixture.reported);

          // Each clientId still finds its original, and a retry stores nothing.
          const withClientIds = Object.values(fixture.history).flat().filter((message) => message.clientId !== null);
          assert.ok(withClientIds.length > 200);
          for (const message of withClientIds) {
            assert.deepEqual(await store.findMessageByClientId(message.senderId, message.clientId!), message);
          }
          const retried = await Promise.all(withClientIds.slice(0, 60).map((message) => store.appendMessage({ ...message, content: 'again', now: 20_000 })));
          assert.deepEqual(retried, withClientIds.slice(0, 60).map((message) => ({ kind: 'duplicate', message })));

          // seq goes on from where each conversation was, without gaps, and moves lastSeq and the activity order.
          for (const id of fixture.conversations) {
            const last = fixture.history[id]!.at(-1)?.seq ?? 0;
            const next = await store.appendMessage({ conversationId: id, senderId: 'a', content: 'after the upgrade', clientId: `after-${id}`, now: 30_000 });
            assert.equal(next.kind === 'stored' ? next.message.seq : next.kind, last + 1);
            assert.equal((await store.getConversation(id))?.conversation.lastSeq, last + 1);
          }
          const newest = await store.appendMessage({ conversationId: fixture.conversations.at(-1)!, senderId: 'a', content: 'newest', clientId: null, now: 40_000 });
          assert.equal(newest.kind, 'stored');
          assert.equal((await store.listConversations('a'))[0]?.conversation.id, fixture.conversations.at(-1));
        } finally {
          await store.close();
        }

        const raw = new Database(copy, { readonly: true });
        try {
          assert.equal(raw.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get(), latest);
          assert.deepEqual(raw.prepare('SELECT * FROM unread_notices ORDER BY conversation_id, user_id').all(), fixture.notices);
          // Keyed by rowid; the only indexes are (conversation_id, seq) and the dedupe one, clientId first.
          const indexes = raw.prepare<[], { name: string }>('PRAGMA index_list(messages)').all();
          const indexed = indexes.map(({ name }) =>
            raw.prepare<[], { name: string }>(`PRAGMA index_info(${JSON.stringify(name)})`).all().map((column) => column.name).join(','),
          );
          assert.deepEqual(indexed.sort(), ['client_id,sender_id', 'conversation_id,seq']);
          // An append writes no page of `conversations`: nothing there moves with a message.
          const columns = raw.prepare<[], { name: string }>('PRAGMA table_info(conversations)').all().map((column) => column.name);
          assert.ok(!columns.includes('last_seq') && !columns.includes('last_activity_at'), columns.join(','));
          if (fixture.version < 5) {
            // Schema 5 copied the history that existed in (conversation, seq) order.
            const order = raw.prepare<[], { conversation_id: string; seq: number }>('SELECT conversation_id, seq FROM messages ORDER BY rowid').all();
            const upgraded = order.filter((row) => row.seq <= (fixture.history[row.conversation_id]?.length ?? 0));
            const sorted = [...upgraded].sort((left, right) =>
              left.conversation_id === right.conversation_id ? left.seq - right.seq : left.conversation_id < right.conversation_id ? -1 : 1,
            );
            assert.deepEqual(order.slice(0, upgraded.length), sorted);
          }
          assert.equal(raw.prepare('PRAGMA integrity_check').pluck().get(), 'ok');
          assert.deepEqual(raw.prepare('PRAGMA foreign_key_check').all(), []);
        } finally {
          raw.close();
        }
        // The fixture itself was not touched.
        const untouched = new Database(new URL(`${name}.db`, fixtures).pathname, { readonly: true });
        try {
          assert.equal(untouched.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get(), fixture.version);
        } finally {
          untouched.close();
        }
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });
  }
});
