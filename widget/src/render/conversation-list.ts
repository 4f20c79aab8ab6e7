import { html, nothing, type TemplateResult } from '../base/html.js';
import type { Conversation } from '../../../protocol/browser.js';
import { format, type Strings } from '../i18n/strings.js';
import { renderConversationTitle } from './isolate.js';

export function renderConversationList(
  conversations: readonly Conversation[],
  unreadByConversation: Readonly<Record<string, number>>,
  strings: Strings,
  onOpen: (conversationId: string) => void,
): TemplateResult {
  if (conversations.length === 0) return html`<p class="empty">${strings.noConversations}</p>`;
  return html`<ul class="list" aria-label=${strings.conversations}>
    ${conversations.map((conversation) => renderConversationItem(conversation, unreadByConversation[conversation.id] ?? 0, strings, onOpen))}
  </ul>`;
}

/** One conversation of a list: its title, unread badge and last message. */
export function renderConversationItem(
  conversation: Conversation,
  unread: number,
  strings: Strings,
  onOpen: (conversationId: string) => void,
): TemplateResult {
  const title = renderConversationTitle(conversation, strings);
  return html`<li>
    <button type="button" data-conversation-id=${conversation.id} @click=${() => onOpen(conversation.id)}>
      <span class="name">${title}</span>
      ${unread > 0
        ? html`<span class="badge" part="badge" aria-label=${format(strings.unreadCount, { count: unread })}>${unread}</span>`
        : html`<span></span>`}
      <bdi class="last">${conversation.lastMessage?.content ?? nothing}</bdi>
    </button>
  </li>`;
}
