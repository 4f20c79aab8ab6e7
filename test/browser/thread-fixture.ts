/**
 * The thread view rendered on its own, without a relay or an element: one conversation of
 * `me` (the santa) with `peer`, on 20 December 2026 at 15:00 local time, for tests of how
 * messages are laid out (runs, times, day separators, locales).
 */
import { html, render } from '../../widget/src/base/html.js';
import type { ChatMessage } from '../../widget/src/client/types.js';
import { DEFAULT_STRINGS, type Strings } from '../../widget/src/i18n/strings.js';
import { renderThread } from '../../widget/src/render/thread.js';

/** "Now" of every fixture thread. */
export const FIXTURE_NOW = new Date(2026, 11, 20, 15, 0);

export interface ThreadFixtureOptions {
  locale?: string;
  strings?: Strings;
  /** When the conversation was created (ISO); default: the first message's time, or now. */
  createdAt?: string;
  /** The reveal: when it was (ISO), for a revealed conversation; default: none yet (1 January 2027). */
  revealedAt?: string;
  /** The newest message held but not rendered (render/render-window.ts). */
  lastHidden?: ChatMessage;
  /** The messages up to this seq were there when the thread opened (default 0: all are live). */
  liveAfter?: number;
}

/** A message stored by the relay, in conversation `c`, with content `content`. */
export function sentMessage(seq: number, senderId: 'me' | 'peer', timestamp: string, content = `text ${seq}`): ChatMessage {
  return { status: 'sent', id: `m${seq}`, conversationId: 'c', seq, senderId, content, timestamp };
}

/** `messages` rendered by `renderThread` into a detached container. */
export function renderThreadFixture(messages: ChatMessage[], options: ThreadFixtureOptions = {}): HTMLElement {
  const container = document.createElement('div');
  render(
    html`${renderThread({
      conversation: {
        id: 'c',
        groupId: 'g',
        groupName: 'Office',
        participants: ['me', 'peer'],
        createdAt: options.createdAt ?? messages[0]?.timestamp ?? FIXTURE_NOW.toISOString(),
        role: 'santa',
        self: { id: 'me', name: 'Me' },
        peer: { id: 'peer', name: 'Peer', anonymous: false },
        revealAt: options.revealedAt ?? new Date(2027, 0, 1).toISOString(),
        revealed: options.revealedAt !== undefined,
        unread: 0,
        lastMessage: null,
        closed: false,
      },
      messages,
      lastHidden: options.lastHidden,
      liveAfter: options.liveAfter ?? 0,
      selfId: 'me',
      strings: options.strings ?? DEFAULT_STRINGS,
      locale: options.locale ?? 'en-US',
      now: FIXTURE_NOW,
      canLoadOlder: false,
      onLoadOlder: () => {},
      onRetry: () => {},
      onDiscard: () => {},
      reported: new Set<string>(),
      reportingId: null,
      onReport: () => {},
      onReportConfirm: () => {},
    })}`,
    container,
  );
  return container;
}
