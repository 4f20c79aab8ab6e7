import { PROTOCOL_VERSION, type ReadyFrame } from '../../../protocol/index.js';
import type { ChatService } from '../chat.js';
import type { ConversationOverview } from '../store/store.js';
import { viewConversation } from '../views.js';

/** The user's READY frame as the store has it now, with the overviews it was built from. */
export async function buildReady(
  service: ChatService,
  userId: string,
): Promise<{ frame: ReadyFrame; overviews: ConversationOverview[] }> {
  const { overviews, unreadTotal } = await service.listConversations(userId);
  const now = service.now();
  const frame: ReadyFrame = {
    type: 'READY',
    userId,
    protocol: PROTOCOL_VERSION,
    conversations: overviews.map((overview) => viewConversation(overview, userId, now)),
    unreadTotal,
  };
  return { frame, overviews };
}
