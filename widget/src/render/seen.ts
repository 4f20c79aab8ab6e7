import type { Conversation } from '../../../protocol/browser.js';
import type { ChatMessage } from '../client/types.js';

/**
 * The `seq` of one's newest own message the other side has read (its read cursor,
 * `peerReadUpTo`, from READY, CONVERSATION and READ frames), which the thread marks "Seen";
 * 0 when they have read none of them.
 */
export function seenSeq(conversation: Conversation, messages: readonly ChatMessage[]): number {
  const upTo = conversation.peerReadUpTo ?? 0;
  for (let index = messages.length - 1; upTo > 0 && index >= 0; index--) {
    const message = messages[index]!;
    if (message.status === 'sent' && message.seq <= upTo && message.senderId === conversation.self.id) return message.seq;
  }
  return 0;
}
