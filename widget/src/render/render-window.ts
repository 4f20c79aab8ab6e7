import type { ChatMessage } from '../client/types.js';

/**
 * How many of the messages held a thread renders when it opens. The cache keeps up to 500 per
 * conversation (`MAX_CACHED_PER_CONVERSATION`), and laying out every one of them before the
 * first paint is what made opening a long thread slow on a slow device: style and layout grow
 * with the messages in the log, and the log is scrolled to its end before the frame. Fifty
 * fill several screens of a phone; "Show older messages" renders the next fifty held ones
 * before it asks the relay for more.
 */
export const RENDER_WINDOW = 50;

/** What a thread renders of the messages held, and what it leaves out. */
export interface WindowedMessages {
  /** The newest messages held: the stored ones from the window's start on, and every outgoing one. */
  shown: readonly ChatMessage[];
  /** How many stored messages are held but not rendered (older than the window). */
  hidden: number;
  /** The newest of those, if any. */
  lastHidden: ChatMessage | undefined;
}

export interface RenderWindow {
  /** The panel shows no conversation: the next one opens at its newest messages. */
  reset(): void;
  /** `messages` (stored ones by `seq`, then outgoing ones, as the client lists them) as conversation `conversationId`'s thread renders them. */
  of(conversationId: string, messages: readonly ChatMessage[]): WindowedMessages;
  /**
   * Widens the window by `size` older messages held, if any are hidden; false when none are
   * (the relay is asked for older ones then, and the window takes in all it sends).
   */
  widen(conversationId: string, messages: readonly ChatMessage[]): boolean;
}

/**
 * The window of the one conversation a panel shows: where its rendering starts, as the `seq`
 * of the oldest stored message it renders. It only ever widens while the conversation stays
 * open: messages that arrive are added to it, and none that the reader has seen leaves it.
 * Showing another conversation (or none) starts again from its newest `size`.
 *
 * A closure rather than a class, and a scan rather than a binary search: fewer bytes in the panel's
 * chunk, which is at its budget; a thread holds at most 500 messages.
 */
export function renderWindow(size = RENDER_WINDOW): RenderWindow {
  let shownId: string | null = null;
  /** The seq the rendering starts at; undefined until the conversation had a stored message. */
  let fromSeq: number | undefined;
  const of = (conversationId: string, messages: readonly ChatMessage[]): WindowedMessages => {
    if (conversationId !== shownId) {
      shownId = conversationId;
      fromSeq = undefined;
    }
    // Stored messages come first in the client's list, by seq; outgoing ones after them.
    let stored = messages.findIndex((message) => message.status !== 'sent');
    if (stored < 0) stored = messages.length;
    if (fromSeq === undefined) {
      if (stored === 0) return { shown: messages, hidden: 0, lastHidden: undefined };
      fromSeq = seqAt(messages, stored - size);
    }
    let start = 0;
    while (start < stored && seqAt(messages, start) < fromSeq) start++;
    return { shown: start ? messages.slice(start) : messages, hidden: start, lastHidden: messages[start - 1] };
  };
  return {
    reset: () => (shownId = null),
    of,
    widen(conversationId, messages) {
      const { hidden } = of(conversationId, messages);
      fromSeq = hidden ? seqAt(messages, hidden - size) : Number.NEGATIVE_INFINITY;
      return hidden > 0;
    },
  };
}

/** The seq of the message at `index` (the first's below 0): a stored one, where it is called. */
function seqAt(messages: readonly ChatMessage[], index: number): number {
  return (messages[Math.max(0, index)] as { seq: number }).seq;
}
