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
  /**
   * The seq of the newest message there was when the conversation opened, held or on the relay:
   * those up to it are history, which a screen reader is not to read out as they are rendered
   * (`render/thread.ts`); those after it arrived while the conversation was open.
   */
  liveAfter: number;
}

export interface RenderWindow {
  /** The panel shows no conversation: the next one opens at its newest messages. */
  reset(): void;
  /**
   * `messages` (stored ones by `seq`, then outgoing ones, as the client lists them) as conversation
   * `conversationId`'s thread renders them; `lastSeq`, the newest seq the relay said it has (the
   * conversation's `lastMessage`).
   */
  of(conversationId: string, messages: readonly ChatMessage[], lastSeq?: number): WindowedMessages;
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
  let liveAfter = 0;
  const of = (conversationId: string, messages: readonly ChatMessage[], lastSeq = 0): WindowedMessages => {
    // Stored messages come first in the client's list, by seq; outgoing ones after them.
    let stored = messages.findIndex((message) => message.status !== 'sent');
    if (stored < 0) stored = messages.length;
    const newest = stored && seqAt(messages, stored - 1);
    if (conversationId !== shownId) {
      shownId = conversationId;
      fromSeq = undefined;
      liveAfter = newest;
    }
    // The relay has newer messages than those held (its READY, before the pages that bring
    // them): those are history too. One that arrives (NEW_MESSAGE) is held before it is last.
    // Not once a message has arrived: the ones rendered live stay where they are (and a
    // reconnect's catch-up after them is read out as they are). `lastMessage` only moves forward.
    if (lastSeq > newest && newest <= liveAfter) liveAfter = lastSeq;
    if (fromSeq === undefined) {
      if (stored === 0) return { shown: messages, hidden: 0, lastHidden: undefined, liveAfter };
      fromSeq = seqAt(messages, stored - size);
    }
    let start = 0;
    while (start < stored && seqAt(messages, start) < fromSeq) start++;
    return { shown: start ? messages.slice(start) : messages, hidden: start, lastHidden: messages[start - 1], liveAfter };
  };
  return {
    reset: () => (shownId = null),
    of,
    widen(conversationId, messages) {
      const { hidden } = of(conversationId, messages);
      // None hidden: from seq 1 on (seqs start at 1), whatever older the relay sends.
      fromSeq = hidden ? seqAt(messages, hidden - size) : 0;
      return hidden > 0;
    },
  };
}

/** The seq of the message at `index` (the first's below 0): a stored one, where it is called. */
function seqAt(messages: readonly ChatMessage[], index: number): number {
  return (messages[Math.max(0, index)] as { seq: number }).seq;
}
