import type { ReadyFrame } from '../../../protocol/index.js';
import type { ChatService } from '../chat/service.js';
import type { ConversationOverview } from '../store/store.js';
import { readyFrame } from '../views/frames.js';

/** The user's READY frame as the store has it now, with the overviews it was built from. */
export async function buildReady(
  service: ChatService,
  userId: string,
): Promise<{ frame: ReadyFrame; overviews: ConversationOverview[] }> {
  const [{ overviews, unreadTotal }, groups] = await Promise.all([service.listConversations(userId), service.listGroups(userId)]);
  return { frame: readyFrame(userId, overviews, unreadTotal, service.now(), groups), overviews };
}
