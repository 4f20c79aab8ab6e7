/**
 * What one socket has been sent of each conversation, so a catch-up resends only what it may
 * lack, and a message published twice reaches it once. Messages can reach a socket out of
 * `seq` order (two senders' publishes race, events come from other relays), so the ledger
 * keeps `through`, the seq up to which nothing is missing, and the seqs sent above it; a lost
 * message leaves `through` below it until a catch-up fills the gap.
 */
interface ConversationLedger {
  through: number;
  above: Set<number>;
}

/** A gap that never fills (events lost without a catch-up) must not grow the set forever. */
const MAX_ABOVE = 512;

export class DeliveryLedger {
  readonly #byConversation = new Map<string, ConversationLedger>();

  /**
   * Everything up to `seq` is the client's own to fetch: the first READY told it the last seq,
   * and it SYNCs from what it holds. Only what comes after is the relay's to push.
   */
  baseline(conversationId: string, seq: number): void {
    const ledger = this.#ledger(conversationId);
    if (seq > ledger.through) ledger.through = seq;
    this.#settle(ledger);
  }

  /** A NEW_MESSAGE with this seq went to the socket; true when a gap stays open below a sent one. */
  sent(conversationId: string, seq: number): boolean {
    const ledger = this.#ledger(conversationId);
    if (seq <= ledger.through) return ledger.above.size > 0;
    if (seq === ledger.through + 1 && ledger.above.size === 0) {
      // The common case, the next message in order: nothing above to settle.
      ledger.through = seq;
      return false;
    }
    ledger.above.add(seq);
    this.#settle(ledger);
    return ledger.above.size > 0;
  }

  /** A HISTORY page went to the socket: the messages after `after`, consecutive seqs. */
  sentPage(conversationId: string, after: number, seqs: readonly number[]): void {
    const last = seqs.at(-1);
    if (last === undefined) return;
    const ledger = this.#ledger(conversationId);
    if (after <= ledger.through) {
      if (last > ledger.through) ledger.through = last;
    } else {
      for (const seq of seqs) ledger.above.add(seq);
    }
    this.#settle(ledger);
  }

  /** Whether the socket has (or fetches itself) this message: a repeated publish is dropped. */
  has(conversationId: string, seq: number): boolean {
    const ledger = this.#byConversation.get(conversationId);
    return ledger !== undefined && (seq <= ledger.through || ledger.above.has(seq));
  }

  /** Messages were sent above a missing one (in this conversation, or in any). */
  hasGap(conversationId?: string): boolean {
    if (conversationId !== undefined) return (this.#byConversation.get(conversationId)?.above.size ?? 0) > 0;
    for (const ledger of this.#byConversation.values()) if (ledger.above.size > 0) return true;
    return false;
  }

  /** Forgets the conversations not listed (closed or erased: nothing more will come). */
  retainOnly(conversationIds: ReadonlySet<string>): void {
    for (const conversationId of this.#byConversation.keys()) {
      if (!conversationIds.has(conversationId)) this.#byConversation.delete(conversationId);
    }
  }

  /** The seq after which this socket may lack messages (0 for a conversation it never saw). */
  through(conversationId: string): number {
    return this.#byConversation.get(conversationId)?.through ?? 0;
  }

  #ledger(conversationId: string): ConversationLedger {
    let ledger = this.#byConversation.get(conversationId);
    if (!ledger) {
      ledger = { through: 0, above: new Set() };
      this.#byConversation.set(conversationId, ledger);
    }
    return ledger;
  }

  #settle(ledger: ConversationLedger): void {
    for (const seq of ledger.above) if (seq <= ledger.through) ledger.above.delete(seq);
    while (ledger.above.delete(ledger.through + 1)) ledger.through += 1;
    // Forgetting what was sent above a gap only makes the next catch-up resend more.
    if (ledger.above.size > MAX_ABOVE) ledger.above.clear();
  }
}
