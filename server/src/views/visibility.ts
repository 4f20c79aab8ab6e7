/**
 * What a viewer may see, decided in one place. Stored records hold real ids; every frame and
 * HTTP body that mentions a person is built in `frames.ts` from these rules, for one viewer at
 * one instant.
 *
 * Before the reveal a giftee knows their santa only as the conversation's alias: the santa's
 * id is replaced in `participants`, `senderId`, `readerId` and `peer`, and the name is never
 * included. Whether a pair is revealed is decided by its latch or the clock (`group-plan.ts`),
 * never by a timer having fired.
 */
import type { Peer } from '../../../protocol/index.js';
import { isRevealed } from '../store/group-plan.js';
import type { ConversationContext } from '../store/store.js';

export { isRevealed };

export const SECRET_SANTA_NAME = 'Secret Santa';

export type Role = 'santa' | 'giftee';

export function roleOf(context: ConversationContext, userId: string): Role | null {
  if (context.conversation.santaId === userId) return 'santa';
  if (context.conversation.gifteeId === userId) return 'giftee';
  return null;
}

/** True when `viewerId` must see the alias instead of the santa. */
export function hidesSanta(context: ConversationContext, viewerId: string, now: number): boolean {
  return viewerId === context.conversation.gifteeId && !isRevealed(context, now);
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
