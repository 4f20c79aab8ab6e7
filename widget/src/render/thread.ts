import { html, nothing, type TemplateResult } from 'lit';
import type { Conversation } from '../../../protocol/browser.js';
import type { ChatMessage } from '../client/types.js';
import { format, type Strings } from '../strings.js';
import { linkify } from '../text.js';
import { dayKey, dayLabel, fullTime, relativeTime } from '../time-format.js';

export interface ThreadView {
  conversation: Conversation;
  messages: readonly ChatMessage[];
  selfId: string | null;
  strings: Strings;
  locale: string | undefined;
  now: Date;
  canLoadOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}

/** The UI text for a refusal the user can act on; other refusals show the relay's message. */
function failureReason(error: { code: string; message: string } | undefined, strings: Strings): string {
  switch (error?.code) {
    case 'EMPTY':
      return strings.errorEmpty;
    case 'TOO_LONG':
      return strings.errorTooLong;
    case 'BAD_REQUEST':
      return strings.errorInvalid;
    case 'FORBIDDEN':
      return strings.closed;
    default:
      return error?.message ?? '';
  }
}

function renderMessage(message: ChatMessage, view: ThreadView): TemplateResult {
  const { strings, locale, now } = view;
  const own = message.status !== 'sent' || message.senderId === view.selfId;
  const date = new Date(message.timestamp);
  const key = message.status === 'sent' ? message.id : message.clientId;
  let meta: TemplateResult;
  if (message.status === 'sending') {
    meta = html`<span>${strings.sending}</span>`;
  } else if (message.status === 'failed') {
    meta = html`<span>${format(strings.failed, { reason: failureReason(message.error, strings) })}</span>
      <button type="button" @click=${() => view.onRetry(message.clientId)}>${strings.retry}</button>
      <button type="button" @click=${() => view.onDiscard(message.clientId)}>${strings.delete}</button>`;
  } else {
    meta = html`<time datetime=${message.timestamp} title=${fullTime(date, locale)}>${relativeTime(date, now, locale)}</time>
      ${own ? html`<span class="visually-hidden">${strings.sent}</span>` : nothing}`;
  }
  return html`<div class="message ${own ? 'own' : ''} ${message.status}" part="message" data-key=${key}>
    <span class="visually-hidden">${own ? strings.you : view.conversation.peer.name}:</span>
    <div class="bubble">${linkify(message.content)}</div>
    <div class="meta">${meta}</div>
  </div>`;
}

/** The reveal moment, placed where `revealAt` falls among the messages. */
function revealNotice(view: ThreadView): TemplateResult {
  const { conversation, strings } = view;
  const text = format(conversation.role === 'giftee' ? strings.revealMoment : strings.revealMomentSanta, { name: conversation.peer.name });
  return html`<div class="reveal" role="status">${text}</div>`;
}

export function renderThread(view: ThreadView): TemplateResult {
  const { conversation, messages, strings, locale, now } = view;
  const items: TemplateResult[] = [];
  const revealAt = Date.parse(conversation.revealAt);
  let revealShown = !conversation.revealed;
  let previousDay = '';
  for (const message of messages) {
    const date = new Date(message.timestamp);
    if (!revealShown && date.getTime() >= revealAt) {
      items.push(revealNotice(view));
      revealShown = true;
    }
    const day = dayKey(date);
    if (day !== previousDay) {
      items.push(html`<div class="day" role="presentation">${dayLabel(date, now, locale, strings)}</div>`);
      previousDay = day;
    }
    items.push(renderMessage(message, view));
  }
  if (!revealShown) items.push(revealNotice(view));
  return html`${view.canLoadOlder
      ? html`<button type="button" class="older" @click=${view.onLoadOlder}>${strings.loadOlder}</button>`
      : nothing}
    ${messages.length === 0 ? html`<p class="empty">${strings.noMessages}</p>` : nothing} ${items}`;
}
