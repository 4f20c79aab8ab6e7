import { html, nothing, type TemplateResult } from '../base/html.js';
import type { Conversation } from '../../../protocol/browser.js';
import type { ChatMessage } from '../client/types.js';
import { format, type Strings } from '../i18n/strings.js';
import { linkify } from './text.js';
import { formatIsolated } from './isolate.js';
import { DAY, dayKey, dayLabel, fullTime, relativeTime } from '../i18n/time-format.js';

export interface ThreadView {
  conversation: Conversation;
  /** The messages rendered: the newest held (render/render-window.ts). */
  messages: readonly ChatMessage[];
  /** The newest message held but not rendered, older than `messages`; absent when all are rendered. */
  lastHidden?: ChatMessage | undefined;
  /**
   * Messages up to this seq were there when the thread opened (render/render-window.ts): they are
   * rendered outside the log's live part, so that a screen reader reads out only what arrives.
   */
  liveAfter: number;
  selfId: string | null;
  strings: Strings;
  locale: string | undefined;
  now: Date;
  canLoadOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  /** The `seq` of the own message to mark "Seen" (`seenSeq`); 0 or absent: none. */
  seenSeq?: number;
  /** Messages this user reported (the relay confirmed), and the one whose report form is open. */
  reported: ReadonlySet<string>;
  reportingId: string | null;
  onReport: (messageId: string | null) => void;
  onReportConfirm: (messageId: string, reason: string) => void;
}

/** Messages from one side this close together form a run, and only its last shows the time. */
export const RUN_GAP_MS = 5 * 60_000;

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

/**
 * What a stored message's rendering was made from, and the result: a thread re-renders on
 * every change (a new message, a READ, a keystroke in the composer), and a message whose
 * inputs did not change hands the template engine the same template result, so nothing of it is formatted or
 * built again. Keyed by the message object, which the client keeps while the message is
 * unchanged. Outgoing (sending, failed) messages are few and always rendered afresh.
 */
interface Rendered {
  /** `Date.parse(timestamp)` and its day: the same for the message's life. */
  time: number;
  day: string;
  /** `fullTime`, for `locale`; and the relative time once it no longer changes (a day on: the time of day). */
  title?: string;
  fixed?: string;
  locale?: string | undefined;
  strings?: Strings;
  own?: boolean;
  /** Whether it ended a run (and so showed its time) when `result` was made. */
  last?: boolean;
  peer?: string;
  relative?: string;
  seen?: boolean;
  report?: string;
  result?: TemplateResult;
}
const rendered = new WeakMap<ChatMessage, Rendered>();

function renderedOf(message: ChatMessage): Rendered {
  let entry = rendered.get(message);
  if (!entry) {
    const time = Date.parse(message.timestamp);
    entry = { time, day: dayKey(new Date(time)) };
    rendered.set(message, entry);
  }
  return entry;
}

function isOwn(message: ChatMessage, view: ThreadView): boolean {
  return message.status !== 'sent' || message.senderId === view.selfId;
}

/** `last`: the message ends a run (the next is from the other side, another day, or minutes later). */
function renderMessage(message: ChatMessage, entry: Rendered, view: ThreadView, last: boolean): TemplateResult {
  const { strings, locale, now } = view;
  const own = isOwn(message, view);
  const peer = view.conversation.peer.name;
  const key = message.status === 'sent' ? message.id : message.clientId;
  let meta: TemplateResult;
  if (message.status === 'sending') {
    meta = html`<span>${strings.sending}</span>`;
  } else if (message.status === 'failed') {
    meta = html`<span>${format(strings.failed, { reason: failureReason(message.error, strings) })}</span>
      <button type="button" @click=${() => view.onRetry(message.clientId)}>${strings.retry}</button>
      <button type="button" @click=${() => view.onDiscard(message.clientId)}>${strings.delete}</button>`;
  } else {
    if (entry.title === undefined || entry.locale !== locale) {
      entry.title = fullTime(new Date(entry.time), locale);
      entry.fixed = entry.result = undefined;
    }
    const relative = entry.fixed ?? relativeTime(new Date(entry.time), now, locale);
    if (Math.abs(now.getTime() - entry.time) >= DAY) entry.fixed = relative;
    const seen = message.status === 'sent' && message.seq === view.seenSeq;
    const report =
      own || message.status !== 'sent' ? '' : view.reported.has(message.id) ? 'done' : view.reportingId === message.id ? 'open' : 'can';
    if (
      entry.result &&
      entry.locale === locale &&
      entry.strings === strings &&
      entry.own === own &&
      entry.last === last &&
      entry.peer === peer &&
      entry.relative === relative &&
      entry.seen === seen &&
      entry.report === report
    ) {
      return entry.result;
    }
    Object.assign(entry, { locale, strings, own, last, peer, relative, seen, report });
    // "Seen" shows under the message it belongs to even inside a run; the time only under a run's last.
    const after = own
      ? seen
        ? html`<span class="seen">${strings.seen}</span>`
        : html`<span class="visually-hidden">${strings.sent}</span>`
      : reportControl(key, report, view);
    meta = last ? html`<time datetime=${message.timestamp} title=${entry.title}>${relative}</time> ${after}` : html`${after}`;
  }
  // One template whatever the status, so a message going from sending to sent keeps its
  // element (only its class and meta change) rather than being replaced, and announced again.
  const result = html`<div class="message ${own ? 'own' : ''} ${message.status}" part="message" data-key=${key}>
    <span class="visually-hidden"><bdi>${own ? strings.you : peer}</bdi>:</span>
    <div class="bubble" dir="auto">${linkify(message.content)}</div>
    <div class="meta">${meta}</div>
  </div>`;
  if (message.status === 'sent') entry.result = result;
  return result;
}

/** "Report" on a message of the other side: a button, then a confirmation with an optional reason, then "Reported". */
function reportControl(messageId: string, state: string, view: ThreadView): TemplateResult {
  const { strings } = view;
  if (state === 'done') return html`<span>${strings.reported}</span>`;
  if (state === 'can') return html`<button type="button" @click=${() => view.onReport(messageId)}>${strings.report}</button>`;
  const submit = (event: Event): void => {
    event.preventDefault();
    view.onReportConfirm(messageId, String(new FormData(event.target as HTMLFormElement).get('reason') ?? ''));
  };
  return html`<form class="report-form" @submit=${submit}>
    <label>${strings.reportQuestion} <textarea name="reason" maxlength="500" rows="2" placeholder=${strings.reportReason} aria-label=${strings.reportReason}></textarea></label>
    <span><button type="submit">${strings.reportSend}</button> <button type="button" @click=${() => view.onReport(null)}>${strings.cancel}</button></span>
  </form>`;
}

/** The reveal moment, placed where `revealAt` falls among the messages. */
function revealNotice(view: ThreadView): TemplateResult {
  const { conversation, strings } = view;
  const text = formatIsolated(conversation.role === 'giftee' ? strings.revealMoment : strings.revealMomentSanta, { name: conversation.peer.name });
  return html`<div class="reveal" role="status">${text}</div>`;
}

export function renderThread(view: ThreadView): TemplateResult {
  const { conversation, messages, strings, locale, now } = view;
  const items: TemplateResult[] = [];
  const history: TemplateResult[] = [];
  const revealAt = Date.parse(conversation.revealAt);
  // Not shown either when the reveal falls among the messages held but not rendered.
  let revealShown = !conversation.revealed || (view.lastHidden !== undefined && renderedOf(view.lastHidden).time >= revealAt);
  let previousDay = '';
  for (const [index, message] of messages.entries()) {
    const entry = renderedOf(message);
    const next = messages[index + 1];
    const nextEntry = next && renderedOf(next);
    const last =
      !next || !nextEntry || isOwn(next, view) !== isOwn(message, view) || nextEntry.day !== entry.day || nextEntry.time - entry.time > RUN_GAP_MS;
    // An outgoing message has no seq yet: it is live.
    const into = (message as { seq?: number }).seq! <= view.liveAfter ? history : items;
    if (!revealShown && entry.time >= revealAt) {
      into.push(revealNotice(view));
      revealShown = true;
    }
    if (entry.day !== previousDay) {
      into.push(html`<div class="day" role="presentation">${dayLabel(new Date(entry.time), now, locale)}</div>`);
      previousDay = entry.day;
    }
    into.push(renderMessage(message, entry, view, last));
  }
  // The history is a region of its own that is not live: what "Show older messages" or the
  // relay's pages add to it is not read out, as everything added to the log (role="log") is.
  // After the last message the notice has a place of its own, so a new message is added
  // before it rather than in its place (which would rebuild it, and announce it again).
  return html`${view.canLoadOlder
      ? html`<button type="button" class="older" @click=${view.onLoadOlder}>${strings.loadOlder}</button>`
      : nothing}
    ${messages.length === 0 ? html`<p class="empty">${strings.noMessages}</p>` : nothing}<div aria-live="off">${history}</div>${items}${revealShown ? nothing : revealNotice(view)}`;
}
