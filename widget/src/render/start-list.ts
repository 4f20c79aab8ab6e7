/**
 * The list a participant starts from: for each of their groups, both chats they can have,
 * started or not ("Your giftee: Bob", "Your Secret Santa"), or a sentence saying why there is
 * none yet. A chat not started opens through `messageMatch` (created on first use). Without the
 * relay's groups (an older relay, or before the first READY) it is the plain conversation list.
 */
import { html, nothing, type TemplateResult } from '../base/html.js';
import type { Conversation, MemberGroup } from '../../../protocol/browser.js';
import type { Strings } from '../i18n/strings.js';
import { renderConversationItem, renderConversationList } from './conversation-list.js';
import { formatIsolated } from './isolate.js';

export interface StartListView {
  /** The groups the element shows (its `group-id`, or all); null: the relay did not say. */
  groups: readonly MemberGroup[] | null;
  conversations: readonly Conversation[];
  unreadByConversation: Readonly<Record<string, number>>;
  strings: Strings;
  onOpen: (conversationId: string) => void;
  onStart: (groupId: string, withRole: 'giftee' | 'santa') => void;
}

export function renderStartList(view: StartListView): TemplateResult {
  const { groups, conversations, unreadByConversation, strings, onOpen } = view;
  if (groups === null || groups.length === 0) return renderConversationList(conversations, unreadByConversation, strings, onOpen);
  const shown = new Set<string>();
  const chat = (group: MemberGroup, role: 'santa' | 'giftee', title: TemplateResult | string): TemplateResult => {
    const conversation = conversations.find((c) => c.groupId === group.id && c.role === role);
    if (conversation) {
      shown.add(conversation.id);
      return renderConversationItem(conversation, unreadByConversation[conversation.id] ?? 0, strings, onOpen);
    }
    return html`<li>
      <button type="button" @click=${() => view.onStart(group.id, role === 'santa' ? 'giftee' : 'santa')}>
        <span class="name">${title}</span><span></span>
        <span class="last">${strings.startChat}</span>
      </button>
    </li>`;
  };
  const sections = groups.map((group) => {
    const items = [
      group.giftee
        ? chat(group, 'santa', formatIsolated(strings.yourGiftee, { name: group.giftee.name }))
        : group.drawn
          ? html`<li class="note">${strings.noGiftee}</li>`
          : nothing,
      group.hasSanta ? chat(group, 'giftee', strings.yourSanta) : nothing,
      group.drawn ? nothing : html`<li class="note">${strings.notDrawn}</li>`,
    ];
    return html`${groups.length > 1 ? html`<h3 class="group"><bdi>${group.name}</bdi></h3>` : nothing}
      <ul class="start" aria-label=${groups.length > 1 ? group.name : strings.conversations}>${items}</ul>`;
  });
  // Conversations of a group drawn since the last READY, which the groups do not know of yet.
  const others = conversations.filter((conversation) => !shown.has(conversation.id));
  return html`<div class="list">
    ${sections}
    ${others.length > 0
      ? html`<ul class="start" aria-label=${strings.conversations}>
          ${others.map((c) => renderConversationItem(c, unreadByConversation[c.id] ?? 0, strings, onOpen))}
        </ul>`
      : nothing}
  </div>`;
}
