/**
 * Sending: a new message goes out while its outbox entry is written, and every entry is
 * re-sent with its `clientId` until the relay acknowledges or refuses it. Two retry policies
 * for a refused send: RATE_LIMITED waits the `retryAfterMs` it was told; INTERNAL (the relay
 * could not store) sends the oldest refused one again after a growing delay, and all of
 * them at the next ACK. The entries themselves live in the `ChatModel`.
 */
import { checkContent, type AckFrame, type ClientFrame, type ErrorFrame } from '../../../protocol/browser.js';
import type { OutboxEntry } from '../storage/records.js';
import { backoffDelay } from './backoff.js';
import { newClientId } from './client-id.js';
import type { ChatModel } from './chat-model.js';
import { ChatClientError } from './errors.js';
import type { OutgoingMessage } from './types.js';

/** Refusals of a send that will not change by sending again: the message is marked failed. */
const FINAL_REFUSALS: ReadonlySet<string> = new Set(['EMPTY', 'TOO_LONG', 'BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND']);

export class Outbox {
  readonly #model: ChatModel;
  /** Sends on the connected socket; false when there is none. */
  readonly #send: (frame: ClientFrame) => boolean;
  readonly #now: () => number;
  readonly #random: () => number;
  /** RATE_LIMITED sends, each waiting the delay the relay asked for. */
  readonly #rateLimitTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /**
   * Sends the relay refused with INTERNAL (its database away, say) on this socket: the oldest
   * goes again alone after a backoff delay, and all of them at the first ACK.
   */
  readonly #refusedSends = new Set<string>();
  #refusedRetryTimer: ReturnType<typeof setTimeout> | undefined;
  #refusedRetries = 0;

  constructor(model: ChatModel, send: (frame: ClientFrame) => boolean, now: () => number, random: () => number) {
    this.#model = model;
    this.#send = send;
    this.#now = now;
    this.#random = random;
  }

  /** See `SantaChatClient.send`. */
  async send(conversationId: string, content: string): Promise<OutgoingMessage> {
    const checked = checkContent(content);
    if (!checked.ok) throw new ChatClientError(checked.code, checked.message);
    // Strictly increasing, so re-sends after a reload keep the order of two sends in one millisecond.
    const createdAt = Math.max(this.#now(), (this.#model.outboxEntries().at(-1)?.createdAt ?? 0) + 1);
    const entry: OutboxEntry = {
      clientId: newClientId(createdAt),
      conversationId,
      senderId: this.#model.selfId(conversationId),
      content: checked.content,
      createdAt,
      status: 'sending',
    };
    const written = this.#model.addOutbox(entry);
    this.#transmit(entry);
    await written;
    return this.#model.toChatMessage(entry);
  }

  retry(clientId: string): void {
    const entry = this.#model.outboxEntry(clientId);
    if (!entry) return;
    const { error: _error, ...rest } = entry;
    const sending: OutboxEntry = { ...rest, status: 'sending' };
    this.#model.updateOutbox(sending);
    this.#transmit(sending);
  }

  /** The first READY on a socket: every entry still sending goes out again. */
  resendAll(): void {
    for (const entry of this.#model.outboxEntries()) {
      if (entry.status === 'sending') this.#transmit(entry);
    }
  }

  /** ACK: the entry becomes a stored message; the relay stores again, so refused sends go now. */
  acknowledged(frame: AckFrame): void {
    const { type: _type, ...stored } = frame;
    clearTimeout(this.#rateLimitTimers.get(frame.clientId));
    this.#rateLimitTimers.delete(frame.clientId);
    const entry = this.#model.removeOutbox(frame.clientId);
    this.#refusedSends.delete(frame.clientId);
    this.#resendRefused();
    if (!entry) return;
    this.#model.addMessages(frame.conversationId, [{ ...stored, senderId: entry.senderId, content: entry.content }]);
  }

  /** An ERROR about a send in the outbox, handled; false when it is about nothing held here. */
  refused(frame: ErrorFrame): boolean {
    const entry = frame.clientId === undefined ? undefined : this.#model.outboxEntry(frame.clientId);
    if (entry === undefined) return false;
    if (frame.code === 'RATE_LIMITED') {
      clearTimeout(this.#rateLimitTimers.get(entry.clientId));
      this.#rateLimitTimers.set(
        entry.clientId,
        setTimeout(() => {
          this.#rateLimitTimers.delete(entry.clientId);
          const current = this.#model.outboxEntry(entry.clientId);
          if (current?.status === 'sending') this.#transmit(current);
        }, frame.retryAfterMs ?? 1_000),
      );
    } else if (frame.code === 'INTERNAL') {
      this.#refusedSends.add(entry.clientId);
      this.#retryRefusedLater();
    } else if (FINAL_REFUSALS.has(frame.code)) {
      this.#model.updateOutbox({ ...entry, status: 'failed', error: { code: frame.code, message: frame.message } });
    }
    // UNAUTHENTICATED says nothing about the message: it stays `sending` and goes out again
    // after the next READY.
    return true;
  }

  /**
   * The socket is gone: the retries tied to it stop (their timers with them, so none fires
   * on a later socket), and the next READY re-sends the whole outbox.
   */
  reset(): void {
    for (const timer of this.#rateLimitTimers.values()) clearTimeout(timer);
    this.#rateLimitTimers.clear();
    clearTimeout(this.#refusedRetryTimer);
    this.#refusedRetryTimer = undefined;
    this.#refusedSends.clear();
    this.#refusedRetries = 0;
  }

  #transmit(entry: OutboxEntry): void {
    this.#send({ type: 'NEW_MESSAGE', conversationId: entry.conversationId, content: entry.content, clientId: entry.clientId });
  }

  /**
   * INTERNAL: the relay could not store the message now and keeps the socket. One refused send
   * (the oldest) is tried again after a growing delay, so a relay without its database is not
   * flooded while it cannot store; the first ACK sends the rest.
   */
  #retryRefusedLater(): void {
    if (this.#refusedRetryTimer !== undefined) return;
    this.#refusedRetryTimer = setTimeout(
      () => {
        this.#refusedRetryTimer = undefined;
        const oldest = this.#model.outboxEntries().find((entry) => this.#refusedSends.has(entry.clientId) && entry.status === 'sending');
        if (oldest) this.#transmit(oldest);
      },
      500 + backoffDelay(this.#refusedRetries++, this.#random, 500, 5_000),
    );
  }

  /** An ACK: the relay stores again, so every send it refused goes out now. */
  #resendRefused(): void {
    if (this.#refusedSends.size === 0) return;
    clearTimeout(this.#refusedRetryTimer);
    this.#refusedRetryTimer = undefined;
    this.#refusedRetries = 0;
    const refused = this.#refusedSends;
    for (const entry of this.#model.outboxEntries()) {
      if (refused.has(entry.clientId) && entry.status === 'sending') this.#transmit(entry);
    }
    refused.clear();
  }
}
