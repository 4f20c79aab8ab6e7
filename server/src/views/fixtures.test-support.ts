/** Shared by the views' tests: one conversation, its messages and overviews, at fixed instants. */
import type { ConversationContext, ConversationOverview, MessageRecord } from '../store/store.js';

export const REVEAL_AT = Date.UTC(2026, 11, 24, 18);
export const BEFORE = REVEAL_AT - 1;
export const AFTER = REVEAL_AT;
export const ALIAS = 's_opaqueAliasOpaqueAlias00';

export function context(overrides: { revealedAt?: number | null; closedAt?: number | null } = {}): ConversationContext {
  return {
    conversation: {
      id: 'c_conversation1',
      groupId: 'office',
      santaId: 'santa-id',
      gifteeId: 'giftee-id',
      alias: ALIAS,
      createdAt: Date.UTC(2026, 10, 1),
      closedAt: overrides.closedAt ?? null,
      lastSeq: 2,
      revealedAt: overrides.revealedAt ?? null,
    },
    group: { id: 'office', name: 'Office 2026', revealAt: REVEAL_AT },
    santa: { id: 'santa-id', name: 'Santa Name' },
    giftee: { id: 'giftee-id', name: 'Giftee Name' },
  };
}

export function message(senderId: string, seq = 1): MessageRecord {
  return {
    id: `m_${seq}`,
    conversationId: 'c_conversation1',
    seq,
    senderId,
    content: 'hello there',
    clientId: 'client-1',
    createdAt: Date.UTC(2026, 10, 2, 12, 30),
  };
}

export function overview(ctx: ConversationContext, lastMessage: MessageRecord | null = null): ConversationOverview {
  return { ...ctx, unread: 3, lastMessage, peerReadUpTo: 1 };
}
