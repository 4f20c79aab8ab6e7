/**
 * A populated schema-version-1 database (reveal per group) and what the "reveal per pair"
 * migration (version 2, docs/decisions/0012-reveal-per-pair.md) must make of it, for both
 * stores: `sqlite/migrate-v1.test.ts` and `postgres/migrate-v1.test.ts` write these rows with
 * the version-1 statements, open the current store on them and run `assertMigratedFromV1`.
 *
 * "office" was revealed at REVEALED (its group latch), then PUT again for next year with a
 * re-draw. Its conversations:
 * - `c_kept`    a -> b, opened before the reveal, still open: revealed (and so is its pair);
 * - `c_edge`    d -> e, opened at the reveal instant, still open: revealed (and its pair);
 * - `c_closed_after`  b -> c, closed by the re-draw at the reveal instant: revealed, as history;
 * - `c_closed_before` e -> a, closed before the reveal: never revealed;
 * - `c_new`     c -> d, opened after the reveal (a pair of the new raffle): hidden, and its pair.
 * The pair b -> a has no conversation: hidden. "quiet" was never revealed: nothing is.
 */
import assert from 'node:assert/strict';
import type { MessageRecord, Store } from '../store.js';

const DAY = 86_400_000;
export const T0 = 1_700_000_000_000;
/** When "office"'s group latch was set (schema v1 `groups.revealed_at`). */
export const REVEALED = T0 + 10 * DAY;
const NEXT_YEAR = T0 + 400 * DAY;

type Row = Record<string, string | number | null>;

/** Rows per table, in an order that satisfies the foreign keys; columns as in schema version 1. */
export const V1_ROWS: readonly { table: string; rows: readonly Row[] }[] = [
  {
    table: 'groups',
    rows: [
      { id: 'office', name: 'Office', reveal_at: NEXT_YEAR, revealed_at: REVEALED, created_at: T0, updated_at: REVEALED + 5 * DAY },
      { id: 'quiet', name: 'Quiet', reveal_at: NEXT_YEAR, revealed_at: null, created_at: T0, updated_at: T0 + DAY },
    ],
  },
  {
    table: 'members',
    rows: [
      ...['Alice', 'Bob', 'Cleo', 'Dan', 'Erin'].map((name, position) => ({
        group_id: 'office',
        user_id: name[0]!.toLowerCase(),
        name,
        position,
      })),
      { group_id: 'quiet', user_id: 'a', name: 'Alice Q', position: 0 },
      { group_id: 'quiet', user_id: 'b', name: 'Bob Q', position: 1 },
    ],
  },
  {
    table: 'assignments',
    rows: [
      { group_id: 'office', santa_id: 'a', giftee_id: 'b', position: 0 },
      { group_id: 'office', santa_id: 'b', giftee_id: 'a', position: 1 },
      { group_id: 'office', santa_id: 'c', giftee_id: 'd', position: 2 },
      { group_id: 'office', santa_id: 'd', giftee_id: 'e', position: 3 },
      { group_id: 'quiet', santa_id: 'a', giftee_id: 'b', position: 0 },
      { group_id: 'quiet', santa_id: 'b', giftee_id: 'a', position: 1 },
    ],
  },
  {
    table: 'conversations',
    rows: [
      conversation('c_kept', 'office', 'a', 'b', T0 + DAY, null, 3),
      conversation('c_edge', 'office', 'd', 'e', REVEALED, null, 0),
      conversation('c_closed_after', 'office', 'b', 'c', T0 + DAY, REVEALED, 2),
      conversation('c_closed_before', 'office', 'e', 'a', T0 + 2 * DAY, REVEALED - DAY, 1),
      conversation('c_new', 'office', 'c', 'd', REVEALED + 5 * DAY, null, 1),
      conversation('c_quiet', 'quiet', 'a', 'b', T0, null, 2),
    ],
  },
  {
    table: 'messages',
    rows: [
      message('c_kept', 1, 'a', 'Hello from your santa', 'client-1'),
      message('c_kept', 2, 'b', 'Hi! Who are you?', null),
      message('c_kept', 3, 'a', 'Any wishes?', 'client-2'),
      message('c_closed_after', 1, 'b', 'Old raffle 1', null),
      message('c_closed_after', 2, 'c', 'Old raffle 2', null),
      message('c_closed_before', 1, 'e', 'Before the reveal', null),
      message('c_new', 1, 'c', 'New raffle', 'client-3'),
      message('c_quiet', 1, 'a', 'Quiet one', null),
      message('c_quiet', 2, 'b', 'Quiet two', null),
    ],
  },
  {
    table: 'read_cursors',
    rows: [
      { conversation_id: 'c_kept', user_id: 'b', up_to: 2 },
      { conversation_id: 'c_kept', user_id: 'a', up_to: 3 },
      { conversation_id: 'c_quiet', user_id: 'a', up_to: 1 },
    ],
  },
];

function conversation(id: string, groupId: string, santa: string, giftee: string, createdAt: number, closedAt: number | null, lastSeq: number): Row {
  return {
    id,
    group_id: groupId,
    santa_id: santa,
    giftee_id: giftee,
    alias: `s_${id}`,
    created_at: createdAt,
    closed_at: closedAt,
    last_seq: lastSeq,
    last_activity_at: createdAt + lastSeq * 60_000,
  };
}

function message(conversationId: string, seq: number, senderId: string, content: string, clientId: string | null): Row {
  return {
    id: `m_${conversationId}_${seq}`,
    conversation_id: conversationId,
    seq,
    sender_id: senderId,
    content,
    client_id: clientId,
    created_at: T0 + DAY + seq * 60_000,
  };
}

/** Each conversation's reveal after the migration. */
export const EXPECTED_CONVERSATION_REVEALS: Readonly<Record<string, number | null>> = {
  c_kept: REVEALED,
  c_edge: REVEALED,
  c_closed_after: REVEALED,
  c_closed_before: null,
  c_new: null,
  c_quiet: null,
};

/** Each pair's reveal after the migration (`group santa->giftee`), ordered as `assignmentReveals` reads them. */
export const EXPECTED_PAIR_REVEALS: readonly [string, number | null][] = [
  ['office a->b', REVEALED],
  ['office b->a', null],
  ['office c->d', null],
  ['office d->e', REVEALED],
  ['quiet a->b', null],
  ['quiet b->a', null],
];

/** The SQL both stores can run to read each pair's reveal, in the order of EXPECTED_PAIR_REVEALS. */
export const PAIR_REVEALS_SQL =
  "SELECT group_id || ' ' || santa_id || '->' || giftee_id AS pair, revealed_at FROM assignments ORDER BY group_id, position";

/** The rows of a v1 table that survive the migration unchanged (every column v1 had, but the group latch). */
export const V1_TABLES_KEPT = ['members', 'assignments', 'conversations', 'messages', 'read_cursors'] as const;

/** What the current store reads from the migrated database: every record, with its reveal per pair. */
export async function assertMigratedFromV1(store: Store): Promise<void> {
  const office = await store.getGroup('office');
  assert.deepEqual(office, {
    id: 'office',
    name: 'Office',
    revealAt: NEXT_YEAR,
    revealSetAt: REVEALED + 5 * DAY,
    members: ['Alice', 'Bob', 'Cleo', 'Dan', 'Erin'].map((name) => ({ id: name[0]!.toLowerCase(), name })),
    assignments: [
      { santa: 'a', giftee: 'b' },
      { santa: 'b', giftee: 'a' },
      { santa: 'c', giftee: 'd' },
      { santa: 'd', giftee: 'e' },
    ],
    createdAt: T0,
    updatedAt: REVEALED + 5 * DAY,
  });
  const quiet = await store.getGroup('quiet');
  assert.equal(quiet?.revealSetAt, T0 + DAY, 'reveal_set_at starts as updated_at');

  const conversations = V1_ROWS.find((entry) => entry.table === 'conversations')!.rows;
  for (const row of conversations) {
    const id = String(row.id);
    const context = await store.getConversation(id);
    assert.ok(context, `${id} is gone`);
    assert.deepEqual(
      context.conversation,
      {
        id,
        groupId: row.group_id,
        santaId: row.santa_id,
        gifteeId: row.giftee_id,
        alias: row.alias,
        createdAt: row.created_at,
        closedAt: row.closed_at,
        lastSeq: row.last_seq,
        revealedAt: EXPECTED_CONVERSATION_REVEALS[id],
      },
      id,
    );
    const expected: MessageRecord[] = V1_ROWS.find((entry) => entry.table === 'messages')!
      .rows.filter((message) => message.conversation_id === id)
      .map((message) => ({
        id: String(message.id),
        conversationId: id,
        seq: Number(message.seq),
        senderId: String(message.sender_id),
        content: String(message.content),
        clientId: message.client_id === null ? null : String(message.client_id),
        createdAt: Number(message.created_at),
      }));
    assert.deepEqual((await store.listMessages(id, { after: 0, limit: 100 })).messages, expected, `messages of ${id}`);
  }

  // Read cursors: b has read up to 2 of c_kept, whose seq 3 is a's.
  const gifteeView = await store.getConversationOverview('c_kept', 'b');
  assert.equal(gifteeView?.unread, 1);
  assert.equal(gifteeView?.peerReadUpTo, 3);
  // A retry of a message stored before the migration is still recognised.
  assert.equal((await store.findMessageByClientId('a', 'client-2'))?.id, 'm_c_kept_3');
  // The pair with no conversation opens one that is hidden; the revealed pair's stays revealed.
  const opened = await store.openConversation('office', 'b', 'a', NEXT_YEAR - DAY);
  assert.equal(opened?.created, true);
  assert.equal(opened?.context.conversation.revealedAt, null);
  const reopened = await store.openConversation('office', 'a', 'b', NEXT_YEAR - DAY);
  assert.deepEqual({ created: reopened?.created, id: reopened?.context.conversation.id, revealedAt: reopened?.context.conversation.revealedAt }, {
    created: false,
    id: 'c_kept',
    revealedAt: REVEALED,
  });
}
