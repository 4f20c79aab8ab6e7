/**
 * What a viewer may see, decided in one place. Stored records hold real ids; every HTTP body
 * and every frame that mentions a person is rendered here for one viewer at one instant.
 *
 * Before the reveal a giftee knows their santa only as the conversation's alias: the santa's
 * id is replaced in `participants`, `senderId`, `readerId` and `peer`, and the name is never
 * included. Whether a group is revealed is decided by the clock (or the one-way latch), never
 * by a timer having fired.
 */
import type { Conversation, Message, Peer } from '../../protocol/index.js';
import type { ConversationContext, ConversationOverview, GroupMeta, MessageRecord } from './store/store.js';

export const SECRET_SANTA_NAME = 'Secret Santa';

export type Role = 'santa' | 'giftee';

export function isRevealed(group: GroupMeta, now: number): boolean {
  return group.revealedAt !== null || now >= group.revealAt;
}

export function roleOf(context: ConversationContext, userId: string): Role | null {
  if (context.conversation.santaId === userId) return 'santa';
  if (context.conversation.gifteeId === userId) return 'giftee';
  return null;
}

/** True when `viewerId` must see the alias instead of the santa. */
export function hidesSanta(context: ConversationContext, viewerId: string, now: number): boolean {
  return viewerId === context.conversation.gifteeId && !isRevealed(context.group, now);
}

/** The id under which `viewerId` knows `userId` in this conversation. */
export function visibleUserId(context: ConversationContext, userId: string, viewerId: string, now: number): string {
  if (userId === context.conversation.santaId && hidesSanta(context, viewerId, now)) {
    return context.conversation.alias;
  }
  return userId;
}

export function viewParticipants(context: ConversationContext, viewerId: string, now: number): string[] {
  const santaId = hidesSanta(context, viewerId, now) ? context.conversation.alias : context.conversation.santaId;
  return [santaId, context.conversation.gifteeId];
}

export function viewPeer(context: ConversationContext, viewerId: string, now: number): Peer {
  if (viewerId === context.conversation.santaId) {
    return { id: context.giftee.id, name: context.giftee.name, anonymous: false };
  }
  if (hidesSanta(context, viewerId, now)) {
    return { id: context.conversation.alias, name: SECRET_SANTA_NAME, anonymous: true };
  }
  return { id: context.santa.id, name: context.santa.name, anonymous: false };
}

export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function viewMessage(context: ConversationContext, message: MessageRecord, viewerId: string, now: number): Message {
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    senderId: visibleUserId(context, message.senderId, viewerId, now),
    content: message.content,
    timestamp: toIso(message.createdAt),
  };
}

export function viewConversation(overview: ConversationOverview, viewerId: string, now: number): Conversation {
  const { conversation, group } = overview;
  const role = roleOf(overview, viewerId);
  if (role === null) throw new Error('viewConversation called for a non-participant');
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
    revealed: isRevealed(group, now),
    unread: overview.unread,
    lastMessage: overview.lastMessage === null ? null : viewMessage(overview, overview.lastMessage, viewerId, now),
    closed: conversation.closedAt !== null,
  };
}
