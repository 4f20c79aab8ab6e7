import type Database from 'better-sqlite3';
import type { ContextRow, MessageRow } from '../rows.js';
import { contextSelect } from './statements.js';
import type { UnreadNoticeSettlement, WebhookAttemptOutcome, WebhookEventRecord, WebhookEventWrite } from '../store.js';
import {
  reportColumns,
  toWebhookEventRecord,
  webhookEventColumns,
  type ReportRow,
  type WebhookEventRow,
} from '../webhook-rows.js';

/** The statements of reports, unread notices and the webhook queue, on the store's own connection. */

interface EventInsert {
  id: string;
  type: string;
  groupId: string;
  payload: string;
  dedupeKey: string | null;
  dueAt: number;
  createdAt: number;
}

export interface DueNoticeRow extends ContextRow {
  reader_id: string;
  due_at: number;
}

// One table of the queue's statements, prepared at open: long, but a list, and the type of the store's field.
export function prepareSqliteWebhookStatements(database: Database.Database) {
  return {
    selectMessage: database.prepare<[string, string], MessageRow>(
      'SELECT id, conversation_id, seq, sender_id, content, client_id, created_at FROM messages WHERE conversation_id = ? AND id = ?',
    ),
    insertReport: database.prepare<[ReportRow]>(`
      INSERT INTO reports (${reportColumns})
      VALUES (@id, @group_id, @conversation_id, @message_id, @reporter_id, @sender_id, @content, @reason, @created_at)
      ON CONFLICT (message_id, reporter_id) DO NOTHING`),
    selectReport: database.prepare<[string, string], ReportRow>(
      `SELECT ${reportColumns} FROM reports WHERE message_id = ? AND reporter_id = ?`,
    ),
    selectReportsOfGroup: database.prepare<[string], ReportRow>(
      `SELECT ${reportColumns} FROM reports WHERE group_id = ? ORDER BY created_at DESC, id`,
    ),
    insertEvent: database.prepare<[EventInsert]>(`
      INSERT INTO webhook_events (id, type, group_id, payload, dedupe_key, next_attempt_at, created_at)
      VALUES (@id, @type, @groupId, @payload, @dedupeKey, @dueAt, @createdAt)
      ON CONFLICT (dedupe_key) DO NOTHING`),
    dropUnattemptedReveals: database.prepare<[string, string]>(`
      DELETE FROM webhook_events
      WHERE group_id = ? AND type = 'group.revealed' AND status = 'pending' AND attempts = 0 AND dedupe_key != ?`),
    deleteEventsOfGroup: database.prepare<[string]>('DELETE FROM webhook_events WHERE group_id = ?'),
    selectNoticesDue: database.prepare<[number, number], DueNoticeRow>(`
      ${contextSelect.replace('SELECT', 'SELECT n.user_id AS reader_id, n.due_at,')}
      JOIN unread_notices n ON n.conversation_id = c.id
      WHERE n.sent_at IS NULL AND n.due_at <= ?
      ORDER BY n.due_at, n.conversation_id, n.user_id LIMIT ?`),
    // Counted, not read: a reader away for long may have many unread messages.
    selectUnreadSummary: database.prepare<[string, string, string], { unread: number; first_at: number | null; last_seq: number | null }>(`
      SELECT COUNT(*) AS unread, MIN(created_at) AS first_at, MAX(seq) AS last_seq FROM messages
      WHERE conversation_id = ? AND sender_id != ?
        AND seq > COALESCE((SELECT up_to FROM read_cursors WHERE conversation_id = messages.conversation_id AND user_id = ?), 0)`),
    selectMessageAtSeq: database.prepare<[string, number], MessageRow>(
      'SELECT id, conversation_id, seq, sender_id, content, client_id, created_at FROM messages WHERE conversation_id = ? AND seq = ?',
    ),
    markNoticeSent: database.prepare<[number, string, string]>(
      'UPDATE unread_notices SET sent_at = ? WHERE conversation_id = ? AND user_id = ? AND sent_at IS NULL',
    ),
    dropNotice: database.prepare<[string, string]>(
      'DELETE FROM unread_notices WHERE conversation_id = ? AND user_id = ? AND sent_at IS NULL',
    ),
    anyClaimable: database
      .prepare<[number, number], number>(
        "SELECT 1 FROM webhook_events WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until <= ? LIMIT 1",
      )
      .pluck(),
    claimEvents: database.prepare<[{ now: number; leaseUntil: number; limit: number; token: string }], WebhookEventRow>(`
      UPDATE webhook_events SET lease_until = @leaseUntil, claim_token = @token
      WHERE id IN (SELECT id FROM webhook_events
        WHERE status = 'pending' AND next_attempt_at <= @now AND lease_until <= @now
        ORDER BY next_attempt_at LIMIT @limit)
      RETURNING ${webhookEventColumns}`),
    recordAttempt: database.prepare<
      [{ id: string; token: string; status: string; lastStatus: string; attemptedAt: number; nextAttemptAt: number; firstFailedAt: number | null }]
    >(`
      UPDATE webhook_events SET status = @status, attempts = attempts + 1, last_status = @lastStatus,
        last_attempt_at = @attemptedAt, next_attempt_at = @nextAttemptAt, first_failed_at = @firstFailedAt,
        delivered_at = CASE WHEN @status = 'delivered' THEN @attemptedAt ELSE NULL END,
        lease_until = 0, claim_token = NULL
      WHERE id = @id AND claim_token = @token`),
    selectEventsByStatus: database.prepare<[string, number], WebhookEventRow>(
      `SELECT ${webhookEventColumns} FROM webhook_events WHERE status = ? ORDER BY created_at DESC, id LIMIT ?`,
    ),
    countPending: database.prepare<[], number>("SELECT COUNT(*) FROM webhook_events WHERE status = 'pending'").pluck(),
  };
}

export type SqliteWebhookStatements = ReturnType<typeof prepareSqliteWebhookStatements>;

export function insertWebhookEvent(webhooks: SqliteWebhookStatements, event: WebhookEventWrite, dedupeKey: string | null): void {
  webhooks.insertEvent.run({
    id: event.id,
    type: event.type,
    groupId: event.groupId,
    payload: event.payload,
    dedupeKey,
    dueAt: event.dueAt,
    createdAt: event.createdAt,
  });
}

/**
 * The webhook loop's writes, as batched writes (`writes.ts`): they commit inside the writer
 * thread's batches, sharing their fsync, so the loop never holds this thread's connection in a
 * transaction of its own while messages wait.
 */
export function settleUnreadNotices(webhooks: SqliteWebhookStatements, settlements: readonly UnreadNoticeSettlement[], now: number): boolean[] {
  return settlements.map(({ conversationId, readerId, event }) => {
    if (event === null) return webhooks.dropNotice.run(conversationId, readerId).changes === 1;
    if (webhooks.markNoticeSent.run(now, conversationId, readerId).changes === 0) return false;
    insertWebhookEvent(webhooks, event, null);
    return true;
  });
}

export function claimWebhookEvents(
  webhooks: SqliteWebhookStatements,
  claim: { now: number; leaseUntil: number; limit: number; token: string },
): WebhookEventRecord[] {
  return webhooks.claimEvents.all(claim).map(toWebhookEventRecord);
}

export function recordWebhookAttempt(webhooks: SqliteWebhookStatements, id: string, token: string, outcome: WebhookAttemptOutcome): null {
  webhooks.recordAttempt.run({ id, token, ...outcome });
  return null;
}
