/**
 * The SQL the PostgreSQL store runs. Column names match SQLite's, so the rows map to records
 * with the same functions (`sqlite-rows.ts`). Times and counters are BIGINT, read as numbers.
 */

import { memberGroupsSelect } from '../member-groups-sql.js';

const contextColumns = `
  c.id, c.group_id, c.santa_id, c.giftee_id, c.alias, c.created_at, c.closed_at, c.last_seq, c.revealed_at,
  g.name AS group_name, g.reveal_at AS group_reveal_at,
  santa.name AS santa_name, giftee.name AS giftee_name`;

const contextJoins = `
  FROM conversations c
  JOIN groups g ON g.id = c.group_id
  LEFT JOIN members santa ON santa.group_id = c.group_id AND santa.user_id = c.santa_id
  LEFT JOIN members giftee ON giftee.group_id = c.group_id AND giftee.user_id = c.giftee_id`;

/** `$1` is the viewer. seq is gapless and last_seq moves with every insert, so the last message is at last_seq. */
const overviewSelect = `
  SELECT ${contextColumns},
    (SELECT COUNT(*) FROM messages unread
      WHERE unread.conversation_id = c.id
        AND unread.sender_id <> $1
        AND unread.seq > COALESCE(
          (SELECT up_to FROM read_cursors WHERE conversation_id = c.id AND user_id = $1), 0)
    ) AS unread,
    COALESCE((SELECT up_to FROM read_cursors WHERE conversation_id = c.id AND user_id <> $1), 0) AS peer_read_up_to,
    last.id AS last_id, last.seq AS last_seq_number, last.sender_id AS last_sender_id,
    last.content AS last_content, last.client_id AS last_client_id, last.created_at AS last_created_at
  ${contextJoins}
  LEFT JOIN messages last ON last.conversation_id = c.id AND last.seq = c.last_seq`;

const messageColumns = 'id, conversation_id, seq, sender_id, content, client_id, created_at';

export const sql = {
  ping: 'SELECT 1',

  // Locks the group row for the whole write: openConversation takes FOR SHARE on it, so a re-draw
  // and a conversation being opened on the same group never interleave.
  selectGroupForUpdate: 'SELECT * FROM groups WHERE id = $1 FOR NO KEY UPDATE',
  lockGroupShared: 'SELECT 1 FROM groups WHERE id = $1 FOR SHARE',
  /** `$1` id, `$2` name, `$3` revealAt, `$4` revealSetAt, `$5` createdAt, `$6` now. */
  insertGroup: `
    INSERT INTO groups (id, name, reveal_at, reveal_set_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (id) DO NOTHING
    RETURNING id`,
  updateGroup: 'UPDATE groups SET name = $2, reveal_at = $3, reveal_set_at = $4, updated_at = $5 WHERE id = $1',
  deleteGroup: 'DELETE FROM groups WHERE id = $1',
  /** The group with its members and assignments in one statement (one snapshot), in their order. */
  selectGroupRecord: `
    SELECT g.*,
      (SELECT COALESCE(json_agg(json_build_object('id', m.user_id, 'name', m.name) ORDER BY m.position), '[]'::json)
         FROM members m WHERE m.group_id = g.id) AS members,
      (SELECT COALESCE(json_agg(json_build_object('santa', a.santa_id, 'giftee', a.giftee_id, 'revealedAt', a.revealed_at)
                                ORDER BY a.position), '[]'::json)
         FROM assignments a WHERE a.group_id = g.id) AS assignments
    FROM groups g WHERE g.id = $1`,
  selectNextRevealAfter: 'SELECT MIN(reveal_at) AS reveal_at FROM groups WHERE reveal_at > $1',
  /** `$1` after, `$2` upTo: see `Store.listRevealsDue`. */
  selectRevealsDue: `
    SELECT ${contextColumns} ${contextJoins}
    WHERE g.reveal_at > $1 AND g.reveal_at <= $2 AND g.reveal_set_at < g.reveal_at
      AND c.closed_at IS NULL AND c.revealed_at IS NULL
    ORDER BY g.reveal_at, c.id`,

  deleteMembers: 'DELETE FROM members WHERE group_id = $1',
  insertMembers: `
    INSERT INTO members (group_id, user_id, name, position)
    SELECT $1, member.user_id, member.name, member.position
    FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS member(user_id, name, position)`,
  deleteAssignments: 'DELETE FROM assignments WHERE group_id = $1',
  insertAssignments: `
    INSERT INTO assignments (group_id, santa_id, giftee_id, revealed_at, position)
    SELECT $1, pair.santa_id, pair.giftee_id, pair.revealed_at, pair.position
    FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS pair(santa_id, giftee_id, revealed_at, position)`,
  selectAssignmentLatch:
    'SELECT revealed_at FROM assignments WHERE group_id = $1 AND santa_id = $2 AND giftee_id = $3',

  /** Creates the open conversation of a pair unless one exists (the partial unique index decides). */
  insertConversation: `
    INSERT INTO conversations (id, group_id, santa_id, giftee_id, alias, revealed_at, created_at, last_activity_at)
    VALUES ($1, $2, $3, $4, $5, $7, $6, $6)
    ON CONFLICT (group_id, santa_id, giftee_id) WHERE closed_at IS NULL DO NOTHING
    RETURNING id`,
  selectOpenConversationIdOfPair: `
    SELECT id FROM conversations
    WHERE group_id = $1 AND santa_id = $2 AND giftee_id = $3 AND closed_at IS NULL`,
  /** `$1` ids, `$2` now, `$3` each one's reveal latch. */
  closeConversations: `
    UPDATE conversations c SET closed_at = $2, revealed_at = closing.revealed_at
    FROM unnest($1::text[], $3::bigint[]) AS closing(id, revealed_at)
    WHERE c.id = closing.id AND c.closed_at IS NULL
    RETURNING c.id, c.last_seq`,
  /** `$1` ids, `$2` each one's reveal latch. */
  latchConversations: `
    UPDATE conversations c SET revealed_at = latch.revealed_at
    FROM unnest($1::text[], $2::bigint[]) AS latch(id, revealed_at)
    WHERE c.id = latch.id`,

  selectContext: `SELECT ${contextColumns} ${contextJoins} WHERE c.id = $1`,
  selectOpenContextsOfGroup: `
    SELECT ${contextColumns} ${contextJoins}
    WHERE c.group_id = $1 AND c.closed_at IS NULL ORDER BY c.created_at, c.id`,
  /** `$1` viewer, `$2` conversation. */
  selectOverview: `${overviewSelect} WHERE c.id = $2`,
  /** `$1` viewer. */
  selectOverviewsOfUser: `
    ${overviewSelect}
    WHERE c.closed_at IS NULL AND (c.santa_id = $1 OR c.giftee_id = $1)
    ORDER BY c.last_activity_at DESC, c.id`,

  /** `$1` member. */
  selectMemberGroups: memberGroupsSelect('$1'),

  selectMessageByClientId: `SELECT ${messageColumns} FROM messages WHERE sender_id = $1 AND client_id = $2`,
  /**
   * Bumps the conversation's counter and inserts the message with it, in one statement. The
   * UPDATE takes the conversation's row lock, held to the end of the transaction, so writers of
   * one conversation (on any process) take turns and each reads the counter its predecessor
   * committed. `bumped_seq` is null when the conversation is closed or gone; `stored_seq` is null
   * when (sender_id, client_id) already exists, and then the caller rolls back the bump.
   * `$1` conversation, `$2` message id, `$3` sender, `$4` content, `$5` clientId, `$6` now.
   */
  appendMessage: `
    WITH bumped AS (
      UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = $6
      WHERE id = $1 AND closed_at IS NULL
      RETURNING last_seq
    ), inserted AS (
      INSERT INTO messages (${messageColumns})
      SELECT $2, $1, bumped.last_seq, $3, $4, $5, $6 FROM bumped
      ON CONFLICT (sender_id, client_id) DO NOTHING
      RETURNING seq
    )
    SELECT (SELECT last_seq FROM bumped) AS bumped_seq, (SELECT seq FROM inserted) AS stored_seq`,
  // Pages read one row past the limit: its presence is `hasMore`, without a COUNT.
  selectMessagesAfter: `
    SELECT ${messageColumns} FROM messages
    WHERE conversation_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3`,
  selectNewestMessages: `
    SELECT ${messageColumns} FROM messages
    WHERE conversation_id = $1 ORDER BY seq DESC LIMIT $2`,
  selectMessagesBefore: `
    SELECT ${messageColumns} FROM messages
    WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,

  // Moving the cursor: `webhookSql.advanceReadCursorAndRearm`, which also re-arms an unread notice.
  selectReadCursor: 'SELECT up_to FROM read_cursors WHERE conversation_id = $1 AND user_id = $2',
} as const;
