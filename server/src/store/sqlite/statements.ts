import type Database from 'better-sqlite3';
import { memberGroupsSelect } from '../member-groups-sql.js';
import type {
  AssignmentRow,
  ContextRow,
  ConversationRow,
  GroupRow,
  MemberGroupRow,
  MemberRow,
  MessageRow,
  OverviewRow,
} from '../rows.js';

/** Every statement the SQLite store runs, prepared once at open. */

/**
 * A conversation's last seq, read from its newest message (0 before the first): one descent of
 * the `(conversation_id, seq)` index. Not a column of `conversations`, so an append writes no
 * page of that table (schema 6, docs/decisions/0022-appends-touch-two-pages.md).
 */
const lastSeqOfC = 'COALESCE((SELECT MAX(m.seq) FROM messages m WHERE m.conversation_id = c.id), 0)';

const contextColumns = `
  c.id, c.group_id, c.santa_id, c.giftee_id, c.alias, c.created_at, c.closed_at, ${lastSeqOfC} AS last_seq, c.revealed_at,
  g.name AS group_name, g.reveal_at AS group_reveal_at,
  santa.name AS santa_name, giftee.name AS giftee_name`;

const contextJoins = `
  FROM conversations c
  JOIN groups g ON g.id = c.group_id
  LEFT JOIN members santa ON santa.group_id = c.group_id AND santa.user_id = c.santa_id
  LEFT JOIN members giftee ON giftee.group_id = c.group_id AND giftee.user_id = c.giftee_id`;

/** A conversation with its group and both member names (`ContextRow`); the webhook statements' too. */
export const contextSelect = `SELECT ${contextColumns} ${contextJoins}`;

// The last message is the one at the conversation's greatest seq.
const overviewSelect = `
  SELECT ${contextColumns},
    (SELECT COUNT(*) FROM messages unread
      WHERE unread.conversation_id = c.id
        AND unread.sender_id != @viewerId
        AND unread.seq > COALESCE(
          (SELECT up_to FROM read_cursors WHERE conversation_id = c.id AND user_id = @viewerId), 0)
    ) AS unread,
    COALESCE((SELECT up_to FROM read_cursors WHERE conversation_id = c.id AND user_id <> @viewerId), 0) AS peer_read_up_to,
    last.id AS last_id, last.seq AS last_seq_number, last.sender_id AS last_sender_id,
    last.content AS last_content, last.client_id AS last_client_id, last.created_at AS last_created_at
  ${contextJoins}
  LEFT JOIN messages last ON last.conversation_id = c.id
    AND last.seq = (SELECT MAX(m.seq) FROM messages m WHERE m.conversation_id = c.id)`;

const messageColumns = 'id, conversation_id, seq, sender_id, content, client_id, created_at';

interface GroupUpsert {
  id: string;
  name: string;
  revealAt: number;
  revealSetAt: number;
  createdAt: number;
  now: number;
}

interface ConversationInsert {
  id: string;
  groupId: string;
  santaId: string;
  gifteeId: string;
  alias: string;
  revealedAt: number | null;
  now: number;
}

interface PageQuery {
  conversationId: string;
  seq: number;
  limit: number;
}

// One table of every statement, prepared at open: long, but a list, and the type of the store's field.
export function prepareSqliteStatements(database: Database.Database) {
  return {
    ping: database.prepare<[], number>('SELECT 1').pluck(),
    walCheckpointTruncate: database.prepare<[], { busy: number; log: number; checkpointed: number }>('PRAGMA wal_checkpoint(TRUNCATE)'),

    selectGroup: database.prepare<[string], GroupRow>('SELECT * FROM groups WHERE id = ?'),
    selectNextRevealAfter: database
      .prepare<[number], number | null>('SELECT MIN(reveal_at) FROM groups WHERE reveal_at > ?')
      .pluck(),
    selectRevealsDue: database.prepare<[{ after: number; upTo: number }], ContextRow>(`
      ${contextSelect}
      WHERE g.reveal_at > @after AND g.reveal_at <= @upTo AND g.reveal_set_at < g.reveal_at
        AND c.closed_at IS NULL AND c.revealed_at IS NULL
      ORDER BY g.reveal_at, c.id`),
    // Not INSERT OR REPLACE: that deletes the row first, and the cascade would erase the group.
    upsertGroup: database.prepare<[GroupUpsert]>(`
      INSERT INTO groups (id, name, reveal_at, reveal_set_at, created_at, updated_at)
      VALUES (@id, @name, @revealAt, @revealSetAt, @createdAt, @now)
      ON CONFLICT (id) DO UPDATE SET
        name = excluded.name, reveal_at = excluded.reveal_at,
        reveal_set_at = excluded.reveal_set_at, updated_at = excluded.updated_at`),
    deleteGroup: database.prepare<[string]>('DELETE FROM groups WHERE id = ?'),

    selectMembers: database.prepare<[string], MemberRow>(
      'SELECT user_id, name FROM members WHERE group_id = ? ORDER BY position',
    ),
    deleteMembers: database.prepare<[string]>('DELETE FROM members WHERE group_id = ?'),
    insertMember: database.prepare<[string, string, string, number]>(
      'INSERT INTO members (group_id, user_id, name, position) VALUES (?, ?, ?, ?)',
    ),

    selectAssignments: database.prepare<[string], AssignmentRow>(
      'SELECT santa_id, giftee_id, revealed_at FROM assignments WHERE group_id = ? ORDER BY position',
    ),
    selectAssignment: database.prepare<[string, string, string], AssignmentRow>(
      'SELECT santa_id, giftee_id, revealed_at FROM assignments WHERE group_id = ? AND santa_id = ? AND giftee_id = ?',
    ),
    deleteAssignments: database.prepare<[string]>('DELETE FROM assignments WHERE group_id = ?'),
    insertAssignment: database.prepare<[string, string, string, number | null, number]>(
      'INSERT INTO assignments (group_id, santa_id, giftee_id, revealed_at, position) VALUES (?, ?, ?, ?, ?)',
    ),

    selectOpenConversationIdOfPair: database
      .prepare<[string, string, string], string>(
        `SELECT id FROM conversations
         WHERE group_id = ? AND santa_id = ? AND giftee_id = ? AND closed_at IS NULL`,
      )
      .pluck(),
    selectConversation: database.prepare<[string], ConversationRow>(
      `SELECT c.*, ${lastSeqOfC} AS last_seq FROM conversations c WHERE c.id = ?`,
    ),
    insertConversation: database.prepare<[ConversationInsert]>(`
      INSERT INTO conversations (id, group_id, santa_id, giftee_id, alias, revealed_at, created_at)
      VALUES (@id, @groupId, @santaId, @gifteeId, @alias, @revealedAt, @now)`),
    closeConversation: database.prepare<[number, number | null, string]>(
      'UPDATE conversations SET closed_at = ?, revealed_at = ? WHERE id = ?',
    ),
    latchConversation: database.prepare<[number, string]>('UPDATE conversations SET revealed_at = ? WHERE id = ?'),
    /**
     * The next seq of an open conversation (none when it is closed or gone). A read: the batch
     * is the file's only writer, and `UNIQUE (conversation_id, seq)` refuses a second row at it.
     */
    selectNextSeq: database
      .prepare<[string], number>(`SELECT ${lastSeqOfC} + 1 FROM conversations c WHERE c.id = ? AND c.closed_at IS NULL`)
      .pluck(),

    selectContext: database.prepare<[string], ContextRow>(`${contextSelect} WHERE c.id = ?`),
    selectOpenContextsOfGroup: database.prepare<[string], ContextRow>(`
      ${contextSelect}
      WHERE c.group_id = ? AND c.closed_at IS NULL ORDER BY c.created_at, c.id`),
    selectOverview: database.prepare<[{ conversationId: string; viewerId: string }], OverviewRow>(
      `${overviewSelect} WHERE c.id = @conversationId`,
    ),
    selectOverviewsOfUser: database.prepare<[{ viewerId: string }], OverviewRow>(`
      ${overviewSelect}
      WHERE c.closed_at IS NULL AND (c.santa_id = @viewerId OR c.giftee_id = @viewerId)
      ORDER BY COALESCE(last.created_at, c.created_at) DESC, c.id`),

    selectMemberGroups: database.prepare<[string], MemberGroupRow>(memberGroupsSelect('?')),

    // (clientId, senderId): the order of the dedupe index.
    selectMessageByClientId: database.prepare<[string, string], MessageRow>(
      `SELECT ${messageColumns} FROM messages WHERE client_id = ? AND sender_id = ?`,
    ),
    // Nothing is written (changes = 0) when the sender already stored this clientId.
    // Positional parameters: no object per insert.
    insertMessage: database.prepare<[string, string, number, string, string, string | null, number]>(`
      INSERT INTO messages (${messageColumns})
      VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (client_id, sender_id) WHERE client_id IS NOT NULL DO NOTHING`),
    // Pages read one row past the limit: its presence is `hasMore`, without a COUNT.
    selectMessagesAfter: database.prepare<[PageQuery], MessageRow>(`
      SELECT ${messageColumns} FROM messages
      WHERE conversation_id = @conversationId AND seq > @seq ORDER BY seq ASC LIMIT @limit`),
    selectNewestMessages: database.prepare<[Omit<PageQuery, 'seq'>], MessageRow>(`
      SELECT ${messageColumns} FROM messages
      WHERE conversation_id = @conversationId ORDER BY seq DESC LIMIT @limit`),
    selectMessagesBefore: database.prepare<[PageQuery], MessageRow>(`
      SELECT ${messageColumns} FROM messages
      WHERE conversation_id = @conversationId AND seq < @seq ORDER BY seq DESC LIMIT @limit`),

    selectReadCursor: database
      .prepare<[string, string], number>('SELECT up_to FROM read_cursors WHERE conversation_id = ? AND user_id = ?')
      .pluck(),
    upsertReadCursor: database.prepare<[string, string, number]>(`
      INSERT INTO read_cursors (conversation_id, user_id, up_to) VALUES (?, ?, ?)
      ON CONFLICT (conversation_id, user_id) DO UPDATE SET up_to = excluded.up_to`),
    // With webhooks: the reader's `message.unread` notice, armed by the append's transaction.
    // An armed (or already sent) notice is kept, so a burst makes one notice.
    armUnreadNotice: database.prepare<[{ conversationId: string; senderId: string; dueAt: number }]>(`
      INSERT INTO unread_notices (conversation_id, user_id, due_at)
      SELECT id, CASE WHEN santa_id = @senderId THEN giftee_id ELSE santa_id END, @dueAt
      FROM conversations WHERE id = @conversationId
      ON CONFLICT (conversation_id, user_id) DO NOTHING`),
    // Re-arms: once the reader has read every message of the other side, the notice row goes.
    rearmUnreadNotice: database.prepare<[{ conversationId: string; userId: string; upTo: number }]>(`
      DELETE FROM unread_notices
      WHERE conversation_id = @conversationId AND user_id = @userId
        AND NOT EXISTS (SELECT 1 FROM messages
          WHERE conversation_id = @conversationId AND seq > @upTo AND sender_id != @userId)`),
  };
}

export type SqliteStatements = ReturnType<typeof prepareSqliteStatements>;
