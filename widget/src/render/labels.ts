import type { Conversation } from '../../../protocol/browser.js';
import { format, type LauncherStrings } from '../i18n/strings.js';

/** "Your giftee: Bob", "Your Secret Santa", or after the reveal "Your Secret Santa: Alice". */
export function conversationTitle(conversation: Conversation, strings: LauncherStrings): string {
  if (conversation.role === 'santa') return format(strings.yourGiftee, { name: conversation.peer.name });
  return conversation.peer.anonymous ? strings.yourSanta : format(strings.yourSantaRevealed, { name: conversation.peer.name });
}

/** How the other side is called in running text ("Secret Santa is typing…"). */
export function peerName(conversation: Conversation): string {
  return conversation.peer.name;
}
