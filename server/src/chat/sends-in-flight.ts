/** A send being stored, as `SendsInFlight` knows it. */
export interface SendInFlight {
  /** Only sends with a clientId are listed. */
  readonly clientId: string | null;
}

/** Once this many senders are listed, those with nothing in flight are forgotten (and at twice the rest next time). */
const FIRST_SWEEP_AT = 1024;

/**
 * The sends being stored, by sender and clientId, so that a retry which comes while its
 * original is on its way follows it instead of being checked and stored again.
 *
 * Per sender a short array (a participant has a send or two in flight at most), in a Map keyed
 * by sender whose entries stay while the sender's sends come and go. Not one Map entry per
 * send: a Map whose keys come and go with every message rehashes every few dozen messages, and
 * V8 links each table it replaces to the next one. Once one of those tables was old enough to be
 * promoted, it kept every later table, and every send listed in them, alive through the young
 * generation's collections until they were promoted too. At 10,000 messages a second that was
 * one of the two reasons for a mark-compact about once a second, the stalls that set the
 * relay's p99 (docs/decisions/0025-garbage-the-young-generation-keeps.md).
 *
 * Senders with nothing in flight are forgotten in one pass each time the map has doubled, so
 * it holds about the senders active since the last pass, and rehashes only then.
 */
export class SendsInFlight<T extends SendInFlight> {
  readonly #bySender = new Map<string, T[]>();
  #sweepAt = FIRST_SWEEP_AT;

  /** The send in flight from `senderId` with this clientId, if there is one. */
  find(senderId: string, clientId: string): T | undefined {
    const sends = this.#bySender.get(senderId);
    if (sends === undefined) return undefined;
    for (const send of sends) if (send.clientId === clientId) return send;
    return undefined;
  }

  add(senderId: string, send: T): void {
    const sends = this.#bySender.get(senderId);
    if (sends !== undefined) {
      sends.push(send);
      return;
    }
    if (this.#bySender.size >= this.#sweepAt) this.#sweep();
    this.#bySender.set(senderId, [send]);
  }

  /** The send is over: a retry from now on is answered by the store (it finds the original). */
  remove(senderId: string, send: T): void {
    const sends = this.#bySender.get(senderId);
    if (sends === undefined) return;
    const index = sends.indexOf(send);
    if (index === -1) return;
    // Order does not matter: a sender has one send per clientId in flight.
    sends[index] = sends[sends.length - 1]!;
    sends.pop();
  }

  /** How many senders are listed, with or without sends in flight (for tests). */
  get senders(): number {
    return this.#bySender.size;
  }

  #sweep(): void {
    for (const [senderId, sends] of this.#bySender) if (sends.length === 0) this.#bySender.delete(senderId);
    this.#sweepAt = Math.max(FIRST_SWEEP_AT, 2 * this.#bySender.size);
  }
}
