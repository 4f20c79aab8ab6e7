import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { checkPostgres, reportUnavailable, TEST_DATABASE_URL } from '../../../../test/helpers/services.js';
import { runStoreConformance } from '../conformance/suite.test-support.js';
import { groupWrite, openPair, send, seqsOf, storedMessage } from '../conformance/fixtures.test-support.js';
import { postgresMigrations, quoteIdentifier } from './migrations.js';
import { openPostgresStore, type PostgresStore } from './store.js';
import type { AppendMessageResult, MessageRecord } from '../store.js';

const url = TEST_DATABASE_URL;

const postgres = await checkPostgres(url);

if (postgres.available) definePostgresTests();
else reportUnavailable(postgres);

function definePostgresTests(): void {
  // Outside the stores under test: makes and drops schemas, and looks at locks and tables.
  const admin = new pg.Pool({ connectionString: url, max: 3 });
  admin.on('error', () => undefined);
  after(() => admin.end());

  let counter = 0;
  /** Every store opened here runs in its own schema, so runs (and cases) never collide. */
  const newSchema = (): string => `test_${process.pid}_${(counter += 1)}_${randomBytes(4).toString('hex')}`;
  const dropSchema = async (schema: string): Promise<void> => {
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
  };

  /** Opens `count` stores (separate pools, as separate relay processes would) on one fresh schema. */
  async function withStores(
    count: number,
    work: (stores: PostgresStore[], schema: string) => Promise<void>,
    poolSize = 5,
  ): Promise<void> {
    const schema = newSchema();
    const stores: PostgresStore[] = [];
    try {
      for (let index = 0; index < count; index += 1) stores.push(await openPostgresStore(url, { schema, poolSize }));
      await work(stores, schema);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await dropSchema(schema);
    }
  }

  /** Holds the row locks of these conversations (as an append in flight would) until `release`. */
  async function lockConversations(schema: string, conversationIds: string[]) {
    const client = await admin.connect();
    await client.query('BEGIN');
    await client.query(`SELECT 1 FROM ${quoteIdentifier(schema)}.conversations WHERE id = ANY($1) FOR UPDATE`, [
      conversationIds,
    ]);
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    return {
      /** Resolves once `count` other sessions wait for these locks. */
      waitForBlocked: async (count: number) => {
        for (let tries = 0; tries < 500; tries += 1) {
          // Waiters queue behind each other, so count everyone blocked by us, directly or not.
          const blocked = await admin.query<{ count: string }>(
            `WITH RECURSIVE blocked(pid) AS (
               SELECT pid FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))
               UNION
               SELECT activity.pid FROM pg_stat_activity activity
               JOIN blocked ON blocked.pid = ANY(pg_blocking_pids(activity.pid))
             ) SELECT count(*) FROM blocked`,
            [pid],
          );
          if (Number(blocked.rows[0]?.count) >= count) return;
          await sleep(10);
        }
        throw new Error(`${count} sessions never queued behind the lock`);
      },
      release: async () => {
        try {
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      },
    };
  }

  function messageOf(result: AppendMessageResult): MessageRecord {
    assert.notEqual(result.kind, 'closed');
    assert.ok(result.kind !== 'closed');
    return result.message;
  }

  function two(stores: PostgresStore[]): [PostgresStore, PostgresStore] {
    const [left, right] = stores;
    assert.ok(left && right);
    return [left, right];
  }

  function range(from: number, to: number): number[] {
    return Array.from({ length: to - from + 1 }, (_, index) => from + index);
  }

  runStoreConformance('PostgreSQL', async () => {
    const schema = newSchema();
    const store = await openPostgresStore(url, { schema });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  });

  describe('PostgreSQL store', () => {
    it('creates its schema and works in it, with a pool of 10, without touching pg\'s global BIGINT parser', async () => {
      await withStores(
        1,
        async ([store], schema) => {
          assert.ok(store);
          assert.deepEqual(store.connectionSettings(), { schema, poolSize: 10 });
          await store.putGroup('g1', groupWrite(), 100);
          const tables = await admin.query<{ table_name: string }>(
            'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
            [schema],
          );
          assert.deepEqual(
            tables.rows.map((row) => row.table_name),
            ['assignments', 'conversations', 'groups', 'members', 'messages', 'read_cursors', 'reports', 'schema_migrations', 'unread_notices', 'webhook_events'],
          );
          const stored = await admin.query(`SELECT reveal_at FROM ${quoteIdentifier(schema)}.groups`);
          assert.equal(stored.rows[0]?.reveal_at, String(groupWrite().revealAt), 'other pools still read BIGINT as text');
          assert.equal(pg.types.getTypeParser(20, 'text')('42'), '42');
          assert.equal((await store.getGroup('g1'))?.revealAt, groupWrite().revealAt);
        },
        10,
      );
    });

    it('refuses a schema name that is not a plain identifier', async () => {
      await assert.rejects(openPostgresStore(url, { schema: 'x"; DROP TABLE groups; --' }), /schema name/);
      await assert.rejects(openPostgresStore(url, { schema: '1abc' }), /schema name/);
    });

    it('fails to open, closing its pool, when the server cannot be reached', async () => {
      await assert.rejects(
        openPostgresStore('postgres://postgres@127.0.0.1:1/test?connect_timeout=2', { schema: newSchema() }),
        /ECONNREFUSED|connect/,
      );
    });

    it('several processes opening the store at once apply each migration once', async () => {
      const schema = newSchema();
      const stores: PostgresStore[] = [];
      try {
        const opened = await Promise.allSettled(range(1, 6).map(() => openPostgresStore(url, { schema, poolSize: 2 })));
        for (const result of opened) if (result.status === 'fulfilled') stores.push(result.value);
        for (const result of opened) if (result.status === 'rejected') throw result.reason;
        const recorded = await admin.query<{ version: number }>(
          `SELECT version FROM ${quoteIdentifier(schema)}.schema_migrations ORDER BY version`,
        );
        assert.deepEqual(
          recorded.rows.map((row) => row.version),
          postgresMigrations.map((migration) => migration.version),
        );
        for (const store of stores) await store.ping();
      } finally {
        await Promise.all(stores.map((store) => store.close()));
        await dropSchema(schema);
      }
    });

    it('concurrent appends from two processes to one conversation number 1..N without gaps or duplicates', async () => {
      await withStores(2, async (stores) => {
        const [left, right] = two(stores);
        await left.putGroup('g1', groupWrite(), 100);
        const conversationId = (await openPair(right, 'g1', 'a', 'b', 100)).conversation.id;
        const total = 300;
        const results = await Promise.all(
          range(1, total).map((index) =>
            (index % 2 === 0 ? left : right).appendMessage({
              conversationId,
              senderId: index % 3 === 0 ? 'a' : 'b',
              content: `message ${index}`,
              clientId: index % 5 === 0 ? `client-${index}` : null,
              now: 1000 + index,
            }),
          ),
        );
        const messages = results.map(storedMessage);
        assert.deepEqual(seqsOf(messages).sort((x, y) => x - y), range(1, total));
        assert.equal(new Set(messages.map((message) => message.id)).size, total);

        const page = await left.listMessages(conversationId, { after: 0, limit: total + 10 });
        assert.deepEqual(seqsOf(page.messages), range(1, total));
        const bySeq = new Map(messages.map((message) => [message.seq, message]));
        for (const stored of page.messages) assert.deepEqual(stored, bySeq.get(stored.seq));
        assert.equal((await right.getConversation(conversationId))?.conversation.lastSeq, total);
      });
    });

    it('the same clientId raced from two processes stores one message and answers both with it', async () => {
      await withStores(2, async (stores, schema) => {
        const [left, right] = two(stores);
        await left.putGroup('g1', groupWrite(), 100);
        await left.putGroup('g2', groupWrite(), 100);
        const conversationId = (await openPair(left, 'g1', 'a', 'b', 100)).conversation.id;
        const elsewhere = (await openPair(left, 'g2', 'a', 'b', 100)).conversation.id;
        const append = (store: PostgresStore, clientId: string, conversation = conversationId) =>
          store.appendMessage({ conversationId: conversation, senderId: 'a', content: clientId, clientId, now: 500 });

        // Free races: whichever path each takes (the cheap read or the constraint), one is stored.
        const rounds = 40;
        for (let round = 1; round <= rounds; round += 1) {
          const answers = await Promise.all([append(left, `free-${round}`), append(right, `free-${round}`)]);
          assert.deepEqual(answers.map((answer) => answer.kind).sort(), ['duplicate', 'stored']);
          assert.deepEqual(messageOf(answers[0]!), messageOf(answers[1]!));
        }
        assert.deepEqual(seqsOf((await right.listMessages(conversationId, { after: 0, limit: 100 })).messages), range(1, rounds));

        // Forced: both pass the cheap read while an append holds the conversation, so the second
        // reaches the INSERT and the unique constraint turns it into a duplicate, seq un-bumped.
        const held = await lockConversations(schema, [conversationId]);
        const forced = Promise.all([append(left, 'forced'), append(right, 'forced')]);
        try {
          await held.waitForBlocked(2);
        } finally {
          await held.release();
        }
        const answers = await forced;
        assert.deepEqual(answers.map((answer) => answer.kind).sort(), ['duplicate', 'stored']);
        assert.deepEqual(messageOf(answers[0]!), messageOf(answers[1]!));
        assert.equal(messageOf(answers[0]!).seq, rounds + 1);
        assert.equal((await left.getConversation(conversationId))?.conversation.lastSeq, rounds + 1);
        assert.equal((await send(right, conversationId, 'b', 'next', 600)).seq, rounds + 2, 'no gap after the rollback');

        // Forced across conversations: the clientId is the sender's, wherever the retry lands.
        const both = await lockConversations(schema, [conversationId, elsewhere]);
        const crossed = Promise.all([append(left, 'crossed', conversationId), append(right, 'crossed', elsewhere)]);
        try {
          await both.waitForBlocked(2);
        } finally {
          await both.release();
        }
        const crossedAnswers = await crossed;
        assert.deepEqual(crossedAnswers.map((answer) => answer.kind).sort(), ['duplicate', 'stored']);
        const original = messageOf(crossedAnswers[0]!);
        assert.deepEqual(messageOf(crossedAnswers[1]!), original);
        assert.deepEqual(await right.findMessageByClientId('a', 'crossed'), original);
        const loser = original.conversationId === conversationId ? elsewhere : conversationId;
        const loserLastSeq = (await left.getConversation(loser))?.conversation.lastSeq ?? -1;
        const loserMessages = (await left.listMessages(loser, { limit: 200 })).messages;
        assert.equal(loserLastSeq, loserMessages.length, 'the loser\'s counter was rolled back');
        assert.equal((await send(left, loser, 'a', 'after', 700)).seq, loserLastSeq + 1);

        const count = await admin.query<{ count: string }>(
          `SELECT count(*) FROM ${quoteIdentifier(schema)}.messages WHERE sender_id = 'a' AND client_id IN ('forced', 'crossed')`,
        );
        assert.equal(count.rows[0]?.count, '2');
      });
    });

    it('opening one conversation from two processes at once returns the same one, created once', async () => {
      await withStores(2, async (stores) => {
        const [left, right] = two(stores);
        await left.putGroup('g1', groupWrite(), 100);
        for (const [santa, giftee] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'a']] as const) {
          const opened = await Promise.all([
            left.openConversation('g1', santa, giftee, 200),
            right.openConversation('g1', santa, giftee, 200),
            left.openConversation('g1', santa, giftee, 200),
            right.openConversation('g1', santa, giftee, 200),
          ]);
          assert.equal(new Set(opened.map((answer) => answer?.context.conversation.id)).size, 1);
          assert.equal(opened.filter((answer) => answer?.created).length, 1);
        }
        assert.equal((await right.listGroupConversations('g1')).length, 4);
      });
    });

    it('a re-draw racing a conversation being opened never leaves a vanished pair open', async () => {
      await withStores(2, async (stores) => {
        const [left, right] = two(stores);
        const withoutBobToCleo = groupWrite({
          assignments: [
            { santa: 'a', giftee: 'b' },
            { santa: 'b', giftee: 'd' },
            { santa: 'd', giftee: 'c' },
            { santa: 'c', giftee: 'a' },
          ],
        });
        for (let round = 0; round < 20; round += 1) {
          await left.putGroup('g1', groupWrite(), 100);
          const [redraw, opened] = await Promise.all([
            left.putGroup('g1', withoutBobToCleo, 200),
            right.openConversation('g1', 'b', 'c', 200),
          ]);
          const open = await right.listGroupConversations('g1');
          assert.equal(open.some((context) => context.santa.id === 'b' && context.giftee.id === 'c'), false);
          if (opened !== null) {
            assert.ok(redraw.closed.some((context) => context.conversation.id === opened.context.conversation.id));
          }
        }
      });
    });

    it('keeps everything across close and reopen, without applying migrations again', async () => {
      const schema = newSchema();
      try {
        const first = await openPostgresStore(url, { schema });
        const put = await first.putGroup('g1', groupWrite({ revealAt: 1000 }), 100);
        await first.putGroup('g1', groupWrite({ revealAt: 9000 }), 2000);
        const context = await openPair(first, 'g1', 'a', 'b', 200);
        const conversationId = context.conversation.id;
        const original = await send(first, conversationId, 'a', 'survives', 300, 'client-1');
        await send(first, conversationId, 'a', 'me too', 310);
        await first.markRead(conversationId, 'b', 1);
        await first.close();
        const migrationsTable = `${quoteIdentifier(schema)}.schema_migrations`;
        const recorded = (await admin.query(`SELECT version, applied_at FROM ${migrationsTable} ORDER BY version`)).rows;

        const second = await openPostgresStore(url, { schema });
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
          assert.deepEqual((await admin.query(`SELECT version, applied_at FROM ${migrationsTable} ORDER BY version`)).rows, recorded);
        } finally {
          await second.close();
        }
      } finally {
        await dropSchema(schema);
      }
    });

    it('after close, calls reject instead of hanging', async () => {
      await withStores(1, async ([store]) => {
        assert.ok(store);
        await store.close();
        await assert.rejects(store.ping());
      });
    });
  });
}
