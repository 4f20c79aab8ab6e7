/**
 * The relay -> host webhooks (docs/protocol.md §6), Standard Webhooks format: each delivery is a
 * POST of `{ type, timestamp, data }` with `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` headers. Types only: the relay builds these bodies in
 * `server/src/views/webhook-events.ts`; the host helper's `verifyWebhook` returns them.
 */
import type { Peer } from './objects.js';

export const WEBHOOK_EVENT_TYPES = ['message.unread', 'message.reported', 'group.revealed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A message to `userId` stayed unread for the relay's `SANTA_CHAT_NOTIFY_AFTER_MS`. */
export interface MessageUnreadData {
  groupId: string;
  /** The reader, by their real id: the person to notify. */
  userId: string;
  conversationId: string;
  /** The reader's role in the conversation. */
  role: 'santa' | 'giftee';
  unread: number;
  /** ISO 8601: the oldest unread message. */
  firstUnreadAt: string;
  /** The other side exactly as the reader may see it: before the pair's reveal, the alias and "Secret Santa". */
  peer: Peer;
  /** Only with `SANTA_CHAT_WEBHOOK_PREVIEWS=1`: the newest unread message's text. */
  preview?: string;
}

/** A participant reported a message of the other side (for the organizer: real ids). */
export interface MessageReportedData {
  groupId: string;
  conversationId: string;
  messageId: string;
  reporterId: string;
  senderId: string;
  text: string;
  reason: string | null;
  /** ISO 8601. */
  reportedAt: string;
}

/** The group's pairs were revealed (its `revealAt` came). */
export interface GroupRevealedData {
  groupId: string;
  /** ISO 8601. */
  revealAt: string;
}

interface WebhookEventOf<T extends WebhookEventType, D> {
  type: T;
  /** ISO 8601: when the event happened. */
  timestamp: string;
  data: D;
}

export type MessageUnreadEvent = WebhookEventOf<'message.unread', MessageUnreadData>;
export type MessageReportedEvent = WebhookEventOf<'message.reported', MessageReportedData>;
export type GroupRevealedEvent = WebhookEventOf<'group.revealed', GroupRevealedData>;
export type WebhookEvent = MessageUnreadEvent | MessageReportedEvent | GroupRevealedEvent;
