import { reportColumns, webhookEventColumns } from '../webhook-rows.js';

/** The SQL of reports, unread notices and the webhook queue (see `sqlite/webhook-statements.ts`). */

const contextColumns = `
  c.id, c.group_id, c.santa_id, c.giftee_id, c.alias, c.created_at, c.closed_at, c.last_seq, c.revealed_at,
  g.name AS group_name, g.reveal_at AS group_reveal_at,
  santa.name AS santa_name, giftee.name AS giftee_name`;

export const webhookSql = {
  /** `$1` conversation, `$2` sender, `$3` due at. */
  armUnreadNotice: `
    INSERT INTO unread_notices (conversation_id, user_id, due_at)
    SELECT id, CASE WHEN santa_id = $2 THEN giftee_id ELSE santa_id END, $3
    FROM conversations WHERE id = $1
    ON CONFLICT (conversation_id, user_id) DO NOTHING`,
  /**
   * Moves the cursor to min(max(upTo, 0), last_seq) if that is further than it is; a row comes
   * back only when it moved. Nothing is written for an unknown conversation or a target of 0.
   * In the same statement (one round trip), re-arms the reader's unread notice when nothing of
   * the other side is left above the new cursor. `$1` conversation, `$2` reader, `$3` upTo.
   */
  advanceReadCursorAndRearm: `
    WITH advanced AS (
      INSERT INTO read_cursors (conversation_id, user_id, up_to)
      SELECT c.id, $2, LEAST(GREATEST($3::bigint, 0), c.last_seq)
      FROM conversations c
      WHERE c.id = $1 AND LEAST(GREATEST($3::bigint, 0), c.last_seq) > 0
      ON CONFLICT (conversation_id, user_id) DO UPDATE SET up_to = excluded.up_to
      WHERE read_cursors.up_to < excluded.up_to
      RETURNING up_to
    ), rearmed AS (
      DELETE FROM unread_notices n USING advanced
      WHERE n.conversation_id = $1 AND n.user_id = $2
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = $1 AND m.seq > advanced.up_to AND m.sender_id <> $2)
    )
    SELECT up_to FROM advanced`,
  selectMessage:
    'SELECT id, conversation_id, seq, sender_id, content, client_id, created_at FROM messages WHERE conversation_id = $1 AND id = $2',
  insertReport: `
    INSERT INTO reports (${reportColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (message_id, reporter_id) DO NOTHING`,
  selectReport: `SELECT ${reportColumns} FROM reports WHERE message_id = $1 AND reporter_id = $2`,
  selectReportsOfGroup: `SELECT ${reportColumns} FROM reports WHERE group_id = $1 ORDER BY created_at DESC, id`,
  /** `$1` id, `$2` type, `$3` group, `$4` payload, `$5` dedupe key, `$6` due at, `$7` created at. */
  insertEvent: `
    INSERT INTO webhook_events (id, type, group_id, payload, dedupe_key, next_attempt_at, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT DO NOTHING`,
  dropUnattemptedReveals: `
    DELETE FROM webhook_events
    WHERE group_id = $1 AND type = 'group.revealed' AND status = 'pending' AND attempts = 0 AND dedupe_key <> $2`,
  deleteEventsOfGroup: 'DELETE FROM webhook_events WHERE group_id = $1',
  selectNoticesDue: `
    SELECT n.user_id AS reader_id, n.due_at, ${contextColumns}
    FROM conversations c
    JOIN groups g ON g.id = c.group_id
    LEFT JOIN members santa ON santa.group_id = c.group_id AND santa.user_id = c.santa_id
    LEFT JOIN members giftee ON giftee.group_id = c.group_id AND giftee.user_id = c.giftee_id
    JOIN unread_notices n ON n.conversation_id = c.id
    WHERE n.sent_at IS NULL AND n.due_at <= $1
    ORDER BY n.due_at, n.conversation_id, n.user_id LIMIT $2`,
  /** `$1` conversation, `$2` reader: counted, not read (a reader away for long may have many). */
  selectUnreadSummary: `
    SELECT COUNT(*) AS unread, MIN(created_at) AS first_at, MAX(seq) AS last_seq FROM messages
    WHERE conversation_id = $1 AND sender_id <> $2
      AND seq > COALESCE((SELECT up_to FROM read_cursors WHERE conversation_id = $1 AND user_id = $2), 0)`,
  selectMessageAtSeq:
    'SELECT id, conversation_id, seq, sender_id, content, client_id, created_at FROM messages WHERE conversation_id = $1 AND seq = $2',
  markNoticeSent: 'UPDATE unread_notices SET sent_at = $1 WHERE conversation_id = $2 AND user_id = $3 AND sent_at IS NULL',
  dropNotice: 'DELETE FROM unread_notices WHERE conversation_id = $1 AND user_id = $2 AND sent_at IS NULL',
  /**
   * `$1` now, `$2` lease until, `$3` limit, `$4` claim token. SKIP LOCKED: relays claiming at
   * the same instant take disjoint rows instead of waiting for each other.
   */
  claimEvents: `
    UPDATE webhook_events SET lease_until = $2, claim_token = $4
    WHERE id IN (SELECT id FROM webhook_events
      WHERE status = 'pending' AND next_attempt_at <= $1 AND lease_until <= $1
      ORDER BY next_attempt_at LIMIT $3
      FOR UPDATE SKIP LOCKED)
    RETURNING ${webhookEventColumns}`,
  /** `$1` id, `$2` token, `$3` status, `$4` last status, `$5` attempted at, `$6` next attempt, `$7` first failed at. */
  recordAttempt: `
    UPDATE webhook_events SET status = $3, attempts = attempts + 1, last_status = $4,
      last_attempt_at = $5, next_attempt_at = $6, first_failed_at = $7,
      delivered_at = CASE WHEN $3 = 'delivered' THEN $5::bigint ELSE NULL END,
      lease_until = 0, claim_token = NULL
    WHERE id = $1 AND claim_token = $2`,
  selectEventsByStatus: `SELECT ${webhookEventColumns} FROM webhook_events WHERE status = $1 ORDER BY created_at DESC, id LIMIT $2`,
  countPending: "SELECT COUNT(*) AS count FROM webhook_events WHERE status = 'pending'",
} as const;
