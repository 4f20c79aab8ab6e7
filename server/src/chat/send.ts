/**
 * Sending a message: the access and content checks, the rate limit, the idempotent write and
 * the fan-out. Each send is one object (`SendAttempt`) whose steps call the next one directly,
 * and it is the write's completion itself: where the store answers at once (SQLite's cached
 * context, the in-process limiter, a bus with nothing to await) a send allocates no promise and
 * no closure (docs/decisions/0023-a-send-is-one-object.md). Where a part must be awaited (a
 * context read from the database, the Redis limiter, PostgreSQL's append, a republish), that
 * step goes through a promise and the send goes on from there.
 *
 * Idempotent per (sender, clientId): a retry gets the original's result whatever its content,
 * and is neither checked nor counted again. A retry that arrives while the original is still
 * on its way waits for it (it follows the original's attempt).
 */
import { checkContent } from '../../../protocol/index.js';
import type { Bus } from '../cluster/bus.js';
import { ChatError, notAParticipant } from '../core/errors.js';
import type { RelayMetrics } from '../core/metrics.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { AppendCompletion, AppendMessageInput, AppendMessageResult, ConversationContext, MessageRecord, Store } from '../store/store.js';
import { roleOf } from '../views/visibility.js';
import { SendsInFlight } from './sends-in-flight.js';

/** The conversation, if `userId` takes part in it and it is open; otherwise the refusal. */
export function participantContext(context: ConversationContext | null, userId: string): ConversationContext {
  if (!context || context.conversation.closedAt !== null || roleOf(context, userId) === null) throw notAParticipant();
  return context;
}

/** Whom a send tells how it went. None of the methods may throw. */
export interface SendReply {
  /**
   * This attempt stored the message durably; called before it is published, and only for the
   * attempt that stored it (not for a retry answered with the original): the sending socket's
   * ACK goes here, so the fan-out can tell that socket has the message.
   */
  stored(message: MessageRecord): void;
  /** The send is over: the message it stored and published, or the original a retry was answered with. */
  done(message: MessageRecord): void;
  /** The send was refused (a `ChatError`) or failed. */
  failed(error: unknown): void;
}

export interface SenderParts {
  store: Store;
  bus: Bus;
  metrics: RelayMetrics;
  /** The per-user message limit (with Redis: shared by all relays). */
  limiter: RateLimiter;
  now: () => number;
  /** With webhooks configured: how long a message may stay unread before `message.unread`. */
  notifyAfterMs: number | undefined;
}

export class MessageSender {
  readonly parts: SenderParts;
  /** Sends being stored, by sender and clientId: a retry follows the original. */
  readonly #inFlight = new SendsInFlight<SendAttempt>();
  /** Sends started and not yet over, and who waits for there to be none (shutdown). */
  #sending = 0;
  #whenIdle: (() => void)[] = [];

  constructor(parts: SenderParts) {
    this.parts = parts;
  }

  send(userId: string, conversationId: string, rawContent: string, clientId: string | null, reply: SendReply): void {
    this.#sending += 1;
    if (clientId === null) {
      new SendAttempt(this, userId, conversationId, rawContent, null, reply).start();
      return;
    }
    const original = this.#inFlight.find(userId, clientId);
    if (original !== undefined) {
      this.#sending -= 1;
      original.follow(reply);
      return;
    }
    const attempt = new SendAttempt(this, userId, conversationId, rawContent, clientId, reply);
    this.#inFlight.add(userId, attempt);
    attempt.start();
  }

  /** Resolves once every send started so far is over (its write answered, its fan-out done). */
  drain(): Promise<void> {
    if (this.#sending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#whenIdle.push(resolve));
  }

  /** @internal (SendAttempt) The attempt is over; with a clientId it was among the sends in flight. */
  ended(attempt: SendAttempt): void {
    if (attempt.clientId !== null) this.#inFlight.remove(attempt.userId, attempt);
    this.#sending -= 1;
    if (this.#sending > 0 || this.#whenIdle.length === 0) return;
    const waiting = this.#whenIdle;
    this.#whenIdle = [];
    for (const resolve of waiting) resolve();
  }

  /**
   * A retry of a stored message: its first relay may have died between the commit and the
   * publish, so it is published again. Each socket's delivery ledger drops what it already
   * has, so nobody gets a NEW_MESSAGE twice.
   */
  async republish(message: MessageRecord): Promise<void> {
    const context = await this.parts.store.getConversation(message.conversationId);
    if (context && context.conversation.closedAt === null) await this.parts.bus.publish({ type: 'message', context, message });
  }
}

/** One send, from its checks to its fan-out; it is its own append's completion. */
class SendAttempt implements AppendCompletion {
  readonly #sender: MessageSender;
  readonly userId: string;
  readonly #conversationId: string;
  /** As the client sent it; once checked, as it is stored. */
  #content: string;
  /** With one, the attempt is among the sender's sends in flight until it ends. */
  readonly clientId: string | null;
  readonly #reply: SendReply;
  /** Retries of the same clientId that came while this attempt was on its way. */
  #followers: SendReply[] | null = null;
  #context: ConversationContext | null = null;
  /** When the limiter slot was taken (given back if the write is refused after all). */
  #now = 0;
  #startedAt = 0;

  constructor(
    sender: MessageSender,
    userId: string,
    conversationId: string,
    rawContent: string,
    clientId: string | null,
    reply: SendReply,
  ) {
    this.#sender = sender;
    this.userId = userId;
    this.#conversationId = conversationId;
    this.#content = rawContent;
    this.clientId = clientId;
    this.#reply = reply;
  }

  follow(reply: SendReply): void {
    (this.#followers ??= []).push(reply);
  }

  start(): void {
    try {
      const { store } = this.#sender.parts;
      const cached = store.peekConversation?.(this.#conversationId);
      if (cached !== undefined) {
        this.#checked(cached);
        return;
      }
      store.getConversation(this.#conversationId).then(
        (context) => this.#checked(context),
        (error: unknown) => this.#refused(error),
      );
    } catch (error) {
      // A store that throws instead of rejecting: the send still ends, and its socket goes on.
      this.#refused(error);
    }
  }

  /** The conversation is known: the checks, then the limiter. */
  #checked(found: ConversationContext | null): void {
    try {
      const userId = this.userId;
      // Refused (a ChatError) unless userId takes part in the open conversation: caught below.
      const context = participantContext(found, userId);
      const checked = checkContent(this.#content);
      if (!checked.ok) {
        this.#refused(new ChatError(checked.code, checked.message));
        return;
      }
      this.#context = context;
      this.#content = checked.content;
      const { limiter, now } = this.#sender.parts;
      const at = (this.#now = now());
      if (limiter.takeNow !== undefined) {
        this.#limited(limiter.takeNow(userId, at));
        return;
      }
      limiter.take(userId, at).then(
        (retryAfterMs) => this.#limited(retryAfterMs),
        (error: unknown) => this.#refused(error),
      );
    } catch (error) {
      this.#refused(error);
    }
  }

  /** The limiter answered: the write, or the refusal. */
  #limited(retryAfterMs: number): void {
    if (retryAfterMs > 0) {
      this.#refused(
        new ChatError('RATE_LIMITED', `Too many messages; try again in ${Math.ceil(retryAfterMs / 1000)} s.`, { retryAfterMs }),
      );
      return;
    }
    const { store, notifyAfterMs } = this.#sender.parts;
    const now = this.#now;
    const input: AppendMessageInput = {
      conversationId: this.#conversationId,
      senderId: this.userId,
      content: this.#content,
      clientId: this.clientId,
      now,
    };
    if (notifyAfterMs !== undefined) input.noticeDueAt = now + notifyAfterMs;
    this.#startedAt = performance.now();
    if (store.appendMessageNow !== undefined) {
      store.appendMessageNow(input, this);
      return;
    }
    store.appendMessage(input).then(
      (result) => this.written(result),
      (error: unknown) => this.failed(error),
    );
  }

  /** The append's answer, once its batch committed. */
  written(result: AppendMessageResult): void {
    try {
      if (result.kind !== 'stored') {
        this.#releaseSlot();
        if (result.kind === 'closed') this.#refused(notAParticipant());
        else this.#answerWith(result.message);
        return;
      }
      const { message } = result;
      const { metrics, bus } = this.#sender.parts;
      metrics.messageStored((performance.now() - this.#startedAt) / 1000);
      // The SQLite store's cached context has moved to this seq already; another store's copy
      // is the context as it was read, so the event gets one that has.
      const context = this.#context!;
      const stored =
        context.conversation.lastSeq >= message.seq
          ? context
          : { ...context, conversation: { ...context.conversation, lastSeq: message.seq } };
      this.#reply.stored(message);
      // Both buses hand the event to this process's sockets before `publish` returns.
      const publishing = bus.publish({ type: 'message', context: stored, message });
      if (publishing === undefined) {
        this.#finish(message);
        return;
      }
      publishing.then(
        () => this.#finish(message),
        (error: unknown) => this.#fail(error),
      );
    } catch (error) {
      this.#fail(error);
    }
  }

  failed(error: unknown): void {
    this.#releaseSlot();
    this.#refused(error);
  }

  #releaseSlot(): void {
    void this.#sender.parts.limiter.release(this.userId, this.#now);
  }

  /**
   * A refusal or failure. With a clientId, the original may exist (a retry of a stored message
   * is answered with it even when its content, its conversation or the rate limit would refuse
   * a new send): the clientId is looked up only here; on the common path the append
   * deduplicates inside its transaction, so a send reads the clientId once.
   */
  #refused(error: unknown): void {
    const clientId = this.clientId;
    if (clientId === null || !(error instanceof ChatError)) {
      this.#fail(error);
      return;
    }
    this.#sender.parts.store.findMessageByClientId(this.userId, clientId).then(
      (original) => {
        if (original === null) this.#fail(error);
        else this.#answerWith(original);
      },
      (lookupError: unknown) => this.#fail(lookupError),
    );
  }

  /** A retry of a stored message: published again (see `republish`), then answered with it. */
  #answerWith(original: MessageRecord): void {
    this.#sender.republish(original).then(
      () => this.#finish(original),
      (error: unknown) => this.#fail(error),
    );
  }

  #finish(message: MessageRecord): void {
    this.#sender.ended(this);
    this.#reply.done(message);
    if (this.#followers !== null) for (const follower of this.#followers) follower.done(message);
  }

  #fail(error: unknown): void {
    this.#sender.ended(this);
    this.#reply.failed(error);
    if (this.#followers !== null) for (const follower of this.#followers) follower.failed(error);
  }
}
