/**
 * Every webhook body the relay sends, built beside `frames.ts` from the same visibility rules:
 * `message.unread` is rendered for its reader exactly as their socket would see the
 * conversation (before the pair's reveal a giftee's `peer` is the alias and "Secret Santa"),
 * at the instant the notice is turned into an event. `message.reported` is for the organizer
 * and carries real ids, as the admin API does.
 */
import { randomBytes } from 'node:crypto';
import type {
  GroupRevealedEvent,
  MessageReportedEvent,
  MessageUnreadEvent,
  WebhookEvent,
} from '../../../protocol/index.js';
import type { ReportRecord, UnreadNoticeDue, WebhookEventRecord, WebhookEventWrite } from '../store/store.js';
import { toIso } from './frames.js';
import { roleOf, viewPeer } from './visibility.js';

/** A `webhook-id`: unique per event, the same on every attempt. */
export function newWebhookId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

function write(event: WebhookEvent, groupId: string, now: number, dueAt = now): WebhookEventWrite {
  return { id: newWebhookId(), type: event.type, groupId, payload: JSON.stringify(event), dueAt, createdAt: now };
}

/** `null` when the notice has nothing left to say (all read, or the reader left the conversation). */
export function unreadEvent(notice: UnreadNoticeDue, now: number, previews: boolean): WebhookEventWrite | null {
  const { context, readerId } = notice;
  const role = roleOf(context, readerId);
  if (role === null || notice.unread === 0 || notice.firstUnreadAt === null || context.conversation.closedAt !== null) {
    return null;
  }
  const event: MessageUnreadEvent = {
    type: 'message.unread',
    timestamp: toIso(now),
    data: {
      groupId: context.group.id,
      userId: readerId,
      conversationId: context.conversation.id,
      role,
      unread: notice.unread,
      firstUnreadAt: toIso(notice.firstUnreadAt),
      peer: viewPeer(context, readerId, now),
      ...(previews && notice.latest !== null ? { preview: notice.latest.content } : {}),
    },
  };
  return write(event, context.group.id, now);
}

export function reportedEvent(report: ReportRecord): WebhookEventWrite {
  const event: MessageReportedEvent = {
    type: 'message.reported',
    timestamp: toIso(report.createdAt),
    data: {
      groupId: report.groupId,
      conversationId: report.conversationId,
      messageId: report.messageId,
      reporterId: report.reporterId,
      senderId: report.senderId,
      text: report.content,
      reason: report.reason,
      reportedAt: toIso(report.createdAt),
    },
  };
  return write(event, report.groupId, report.createdAt);
}

/** Due at `revealAt` (at once when that has passed); stored once per group and date. */
export function revealedEvent(groupId: string, revealAt: number, now: number): { event: WebhookEventWrite; dedupeKey: string } {
  const event: GroupRevealedEvent = { type: 'group.revealed', timestamp: toIso(revealAt), data: { groupId, revealAt: toIso(revealAt) } };
  return { event: write(event, groupId, now, revealAt), dedupeKey: `group.revealed ${groupId} ${revealAt}` };
}

/** One line of `GET /admin/webhooks/deliveries`. */
export function deliveryBody(record: WebhookEventRecord) {
  return {
    id: record.id,
    type: record.type,
    groupId: record.groupId,
    status: record.status,
    attempts: record.attempts,
    lastStatus: record.lastStatus,
    lastAttemptAt: record.lastAttemptAt === null ? null : toIso(record.lastAttemptAt),
    nextAttemptAt: record.status === 'pending' ? toIso(record.nextAttemptAt) : null,
    createdAt: toIso(record.createdAt),
    deliveredAt: record.deliveredAt === null ? null : toIso(record.deliveredAt),
  };
}

/** One line of `GET /admin/groups/:groupId/reports`: for the organizer, real ids. */
export function reportBody(report: ReportRecord) {
  return {
    id: report.id,
    conversationId: report.conversationId,
    messageId: report.messageId,
    reporterId: report.reporterId,
    senderId: report.senderId,
    text: report.content,
    reason: report.reason,
    reportedAt: toIso(report.createdAt),
  };
}
