/**
 * The one place that turns stored records into what a viewer receives: every server frame
 * and every HTTP body. Whom a viewer may see is decided in `visibility.ts`; this module only
 * assembles, so a new field on a message or a conversation is one edit here. The hub, the
 * dispatcher, catch-up, the reveal scheduler and the routes only route what is built here.
 */
import {
  PROTOCOL_VERSION,
  type AckFrame,
  type Conversation,
  type ConversationListResponse,
  type ConversationResponse,
  type ErrorCode,
  type ErrorFrame,
  type GroupListResponse,
  type GroupResponse,
  type HistoryFrame,
  type HistoryResponse,
  type MemberGroup,
  type Message,
  type ReadyFrame,
  type ReportedFrame,
  type RevealFrame,
  type ServerFrame,
} from '../../../protocol/index.js';
import type { ConversationContext, ConversationOverview, GroupRecord, MemberGroupRecord, MessageRecord } from '../store/store.js';
import { isRevealed, roleOf, viewParticipants, viewPeer, visibleUserId } from './visibility.js';

export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * A message's timestamp, formatted once: the sender's ACK and each participant's NEW_MESSAGE
 * of one stored message (and the messages of one batch, stored in the same millisecond) share
 * the string. One remembered instant, compared as a number: no map per message.
 */
let formattedAt = Number.NaN;
let formatted = '';
export function timestampOf(message: MessageRecord): string {
  if (message.createdAt !== formattedAt) {
    formatted = toIso(message.createdAt);
    formattedAt = message.createdAt;
  }
  return formatted;
}

export function messageView(context: ConversationContext, message: MessageRecord, viewerId: string, now: number): Message {
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    senderId: visibleUserId(context, message.senderId, viewerId, now),
    content: message.content,
    timestamp: timestampOf(message),
  };
}

export function conversationView(overview: ConversationOverview, viewerId: string, now: number): Conversation {
  const { conversation, group } = overview;
  const role = roleOf(overview, viewerId);
  if (role === null) throw new Error('conversationView called for a non-participant');
  const self = role === 'santa' ? overview.santa : overview.giftee;
  return {
    id: conversation.id,
    groupId: group.id,
    groupName: group.name,
    participants: viewParticipants(overview, viewerId, now),
    createdAt: toIso(conversation.createdAt),
    role,
    self: { id: self.id, name: self.name },
    peer: viewPeer(overview, viewerId, now),
    revealAt: toIso(group.revealAt),
    revealed: isRevealed(overview, now),
    unread: overview.unread,
    lastMessage: overview.lastMessage === null ? null : messageView(overview, overview.lastMessage, viewerId, now),
    closed: conversation.closedAt !== null,
    // A number only: whose cursor it is, the viewer knows as `peer` (the alias, for a giftee before the reveal).
    peerReadUpTo: overview.peerReadUpTo,
  };
}

/** A conversation that was just opened or closed: nothing unread, nothing sent yet to show. */
function freshConversationView(context: ConversationContext, viewerId: string, now: number): Conversation {
  return conversationView({ ...context, unread: 0, lastMessage: null, peerReadUpTo: 0 }, viewerId, now);
}

/**
 * One of the viewer's groups: their giftee (the viewer is that giftee's santa, so the name is
 * theirs to know) and whether they have a santa. The record holds no santa, so none can leak.
 */
export function memberGroupView(record: MemberGroupRecord): MemberGroup {
  const { group, giftee } = record;
  return {
    id: group.id,
    name: group.name,
    revealAt: toIso(group.revealAt),
    drawn: record.drawn,
    giftee: giftee === null ? null : { id: giftee.id, name: giftee.name },
    hasSanta: record.hasSanta,
  };
}

// ---- Frames for one socket ----------------------------------------------------------------

export function readyFrame(
  userId: string,
  overviews: readonly ConversationOverview[],
  unreadTotal: number,
  now: number,
  groups: readonly MemberGroupRecord[] = [],
): ReadyFrame {
  return {
    type: 'READY',
    userId,
    protocol: PROTOCOL_VERSION,
    conversations: overviews.map((overview) => conversationView(overview, userId, now)),
    unreadTotal,
    groups: groups.map(memberGroupView),
  };
}

/** Only the sender's own socket gets an ACK, so it names nobody but the sender's message. */
export function ackFrame(message: MessageRecord, clientId: string): AckFrame {
  return {
    type: 'ACK',
    clientId,
    conversationId: message.conversationId,
    id: message.id,
    seq: message.seq,
    timestamp: timestampOf(message),
  };
}

export function historyFrame(
  context: ConversationContext,
  messages: readonly MessageRecord[],
  hasMore: boolean,
  viewerId: string,
  now: number,
): HistoryFrame {
  return {
    type: 'HISTORY',
    conversationId: context.conversation.id,
    messages: messages.map((message) => messageView(context, message, viewerId, now)),
    hasMore,
  };
}

export function errorFrame(
  code: ErrorCode,
  message: string,
  details: { clientId?: string; conversationId?: string; retryAfterMs?: number } = {},
): ErrorFrame {
  const frame: ErrorFrame = { type: 'ERROR', code, message };
  if (details.clientId !== undefined) frame.clientId = details.clientId;
  if (details.conversationId !== undefined) frame.conversationId = details.conversationId;
  if (details.retryAfterMs !== undefined) frame.retryAfterMs = details.retryAfterMs;
  return frame;
}

export const PONG_FRAME: ServerFrame = { type: 'PONG' };

export function revealFrame(context: ConversationContext, viewerId: string, now: number): RevealFrame {
  return {
    type: 'REVEAL',
    conversationId: context.conversation.id,
    alias: context.conversation.alias,
    participants: viewParticipants(context, viewerId, now),
    peer: viewPeer(context, viewerId, now),
  };
}

// ---- Frames fanned out to both participants ----------------------------------------------

/** What happened in one conversation that both of its participants' sockets are told. */
export type ConversationEvent =
  /** A message was stored (its `clientId` goes only to the sender's own sockets). */
  | { type: 'message'; context: ConversationContext; message: MessageRecord }
  | { type: 'read'; context: ConversationContext; readerId: string; upTo: number }
  | { type: 'typing'; context: ConversationContext; senderId: string }
  /** A conversation was created or closed. */
  | { type: 'conversation'; context: ConversationContext }
  /** The pair was revealed (its group's `revealAt` came, or a write moved it into the past). */
  | { type: 'reveal'; context: ConversationContext };

/** The event as `viewerId` (one of its two participants) receives it; `null`: nothing for them. */
export function eventFrame(event: ConversationEvent, viewerId: string, now: number): ServerFrame | null {
  const { context } = event;
  switch (event.type) {
    case 'message': {
      const { message } = event;
      const frame: ServerFrame = {
        type: 'NEW_MESSAGE',
        conversationId: message.conversationId,
        id: message.id,
        seq: message.seq,
        senderId: visibleUserId(context, message.senderId, viewerId, now),
        content: message.content,
        timestamp: timestampOf(message),
      };
      if (viewerId === message.senderId && message.clientId !== null) frame.clientId = message.clientId;
      return frame;
    }
    case 'read':
      return {
        type: 'READ',
        conversationId: context.conversation.id,
        readerId: visibleUserId(context, event.readerId, viewerId, now),
        upTo: event.upTo,
      };
    case 'typing':
      if (viewerId === event.senderId) return null;
      return {
        type: 'TYPING',
        conversationId: context.conversation.id,
        senderId: visibleUserId(context, event.senderId, viewerId, now),
      };
    case 'conversation':
      return { type: 'CONVERSATION', conversation: freshConversationView(context, viewerId, now) };
    case 'reveal':
      return revealFrame(context, viewerId, now);
  }
}

// ---- HTTP bodies ----------------------------------------------------------------------------

export function conversationBody(overview: ConversationOverview, viewerId: string, now: number): ConversationResponse {
  return { success: true, conversation: conversationView(overview, viewerId, now) };
}

export function conversationListBody(
  overviews: readonly ConversationOverview[],
  unreadTotal: number,
  viewerId: string,
  now: number,
): ConversationListResponse {
  return { success: true, conversations: overviews.map((overview) => conversationView(overview, viewerId, now)), unreadTotal };
}

export function groupListBody(groups: readonly MemberGroupRecord[]): GroupListResponse {
  return { success: true, groups: groups.map(memberGroupView) };
}

export function historyBody(
  context: ConversationContext,
  messages: readonly MessageRecord[],
  hasMore: boolean,
  viewerId: string,
  now: number,
): HistoryResponse {
  return { success: true, messages: messages.map((message) => messageView(context, message, viewerId, now)), hasMore };
}

/** The host's own view of its group (admin API): real ids, as the host sent them. */
export function groupBody(group: GroupRecord): GroupResponse {
  return {
    success: true,
    group: {
      id: group.id,
      name: group.name,
      revealAt: toIso(group.revealAt),
      members: group.members,
      assignments: group.assignments,
    },
  };
}

/** The answer to a REPORT, the same for a first report and a repeated one. */
export function reportedFrame(conversationId: string, messageId: string): ReportedFrame {
  return { type: 'REPORTED', conversationId, messageId };
}
