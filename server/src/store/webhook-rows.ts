import type { ReportRecord, WebhookDeliveryStatus, WebhookEventRecord, WebhookEventType } from './store.js';

/** Webhook event and report rows as both stores return them (snake_case), and their records. */

export interface WebhookEventRow {
  id: string;
  type: string;
  group_id: string;
  payload: string;
  status: string;
  attempts: number;
  last_status: string | null;
  last_attempt_at: number | null;
  next_attempt_at: number;
  first_failed_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

export interface ReportRow {
  id: string;
  group_id: string;
  conversation_id: string;
  message_id: string;
  reporter_id: string;
  sender_id: string;
  content: string;
  reason: string | null;
  created_at: number;
}

export const webhookEventColumns =
  'id, type, group_id, payload, status, attempts, last_status, last_attempt_at, next_attempt_at, first_failed_at, delivered_at, created_at';

export const reportColumns = 'id, group_id, conversation_id, message_id, reporter_id, sender_id, content, reason, created_at';

export function toWebhookEventRecord(row: WebhookEventRow): WebhookEventRecord {
  return {
    id: row.id,
    type: row.type as WebhookEventType,
    groupId: row.group_id,
    payload: row.payload,
    dueAt: row.next_attempt_at,
    createdAt: row.created_at,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastAttemptAt: row.last_attempt_at,
    nextAttemptAt: row.next_attempt_at,
    firstFailedAt: row.first_failed_at,
    deliveredAt: row.delivered_at,
  };
}

export function toReportRecord(row: ReportRow): ReportRecord {
  return {
    id: row.id,
    groupId: row.group_id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    reporterId: row.reporter_id,
    senderId: row.sender_id,
    content: row.content,
    reason: row.reason,
    createdAt: row.created_at,
  };
}
