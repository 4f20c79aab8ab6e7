import type { TemplateResult } from 'lit';
import type { Conversation } from '../../../protocol/browser.js';
import { format, type Strings } from '../i18n/strings.js';
import { formatIsolated } from './isolate.js';

/** "Your giftee: Bob", "Your Secret Santa", or after the reveal "Your Secret Santa: Alice". */
export function conversationTitle(conversation: Conversation, strings: Strings): string {
  if (conversation.role === 'santa') return format(strings.yourGiftee, { name: conversation.peer.name });
  return conversation.peer.anonymous ? strings.yourSanta : format(strings.yourSantaRevealed, { name: conversation.peer.name });
}

/** `conversationTitle` for display, the name isolated in a `<bdi>`. */
export function renderConversationTitle(conversation: Conversation, strings: Strings): TemplateResult | string {
  if (conversation.role === 'santa') return formatIsolated(strings.yourGiftee, { name: conversation.peer.name });
  return conversation.peer.anonymous ? strings.yourSanta : formatIsolated(strings.yourSantaRevealed, { name: conversation.peer.name });
}

/** How the other side is called in running text ("Secret Santa is typing…"). */
export function peerName(conversation: Conversation): string {
  return conversation.peer.name;
}
