/**
 * The participant operations, shared by the HTTP routes and the socket dispatcher: access
 * checks, the content rule, rate limits, idempotent sends and fan-out. Returns stored
 * records; callers render them for the viewer through `views.ts`.
 */
import { checkContent } from '../../../protocol/index.js';
import type { Bus, BusHealth } from '../cluster/bus.js';
import { ChatError, notAParticipant } from '../core/errors.js';
import type { RelayMetrics } from '../core/metrics.js';
import type { Limiters } from '../limits/limiters.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type {
  AppendMessageInput,
  AppendMessageResult,
  ConversationContext,
  ConversationOverview,
  GroupRecord,
  GroupWrite,
  HistoryPage,
  HistoryPageQuery,
  MemberGroupRecord,
  MessageRecord,
  Store,
} from '../store/store.js';
import { roleOf } from '../views/visibility.js';
import { reportedEvent, revealedEvent } from '../views/webhook-events.js';
import { newReportId } from '../store/ids.js';
import type { ReportRecord, WebhookDeliveryStatus, WebhookEventRecord } from '../store/store.js';

export type Clock = () => number;

export interface ChatServiceOptions {
  store: Store;
  bus: Bus;
  metrics: RelayMetrics;
  now?: Clock;
  /** The per-user message limit and the typing throttle (with Redis: shared by all relays). */
  limiters: Pick<Limiters, 'message' | 'typing'>;
  /** With webhooks configured: how long a message may stay unread before `message.unread`. */
  webhooks?: { notifyAfterMs: number } | undefined;
}

/** The conversation, if `userId` takes part in it and it is open; otherwise the refusal. */
function participantContext(context: ConversationContext | null, userId: string): ConversationContext {
  if (!context || context.conversation.closedAt !== null || roleOf(context, userId) === null) throw notAParticipant();
  return context;
}

export class ChatService {
  readonly #store: Store;
  readonly #bus: Bus;
  readonly now: Clock;
  readonly #metrics: RelayMetrics;
  readonly #messageLimiter: RateLimiter;
  readonly #typingLimiter: RateLimiter;
  readonly #notifyAfterMs: number | undefined;
  /** Sends being stored, by sender and clientId: a retry waits for the original. */
  readonly #sendsInFlight = new Map<string, Promise<MessageRecord>>();
  /** Every store write under way, so shutdown can let them commit before the store closes. */
  readonly #writes = new Set<Promise<unknown>>();

  constructor(options: ChatServiceOptions) {
    this.#store = options.store;
    this.#bus = options.bus;
    this.now = options.now ?? Date.now;
    this.#metrics = options.metrics;
    this.#messageLimiter = options.limiters.message;
    this.#typingLimiter = options.limiters.typing;
    this.#notifyAfterMs = options.webhooks?.notifyAfterMs;
  }

  /** For `/healthz`: can this relay reach its database, and (with Redis) the other relays? */
  async health(): Promise<{ store: 'ok' | 'unreachable'; redis: BusHealth }> {
    const [store, redis] = await Promise.all([
      this.#store.ping().then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      ),
      this.#bus.health(),
    ]);
    return { store, redis };
  }

  /** Up to `limit` messages after `seq`, oldest first (for catch-up; access was checked by READY). */
  messagesAfter(conversationId: string, after: number, limit: number): Promise<HistoryPage> {
    return this.#store.listMessages(conversationId, { after, limit });
  }

  /**
   * Creates or replaces a group (the host's admin API). Both sides' sockets are told of the
   * conversations the write closed and of those it revealed; every relay re-reads when the
   * next reveal is due.
   */
  async putGroup(groupId: string, write: GroupWrite): Promise<{ group: GroupRecord; created: boolean }> {
    const now = this.now();
    const revealEvent = this.#notifyAfterMs === undefined ? undefined : revealedEvent(groupId, write.revealAt, now);
    const result = await this.#store.putGroup(groupId, write, now, revealEvent);
    for (const context of result.closed) await this.#bus.publish({ type: 'conversation', context });
    for (const context of result.revealed) await this.#bus.publish({ type: 'reveal', context });
    await this.#bus.publish({ type: 'group', groupId, userIds: result.memberIds });
    return { group: result.group, created: result.created };
  }

  getGroup(groupId: string): Promise<GroupRecord | null> {
    return this.#store.getGroup(groupId);
  }

  /** Erases the group and everything in it; `false` when there was none. */
  async deleteGroup(groupId: string): Promise<boolean> {
    const now = this.now();
    const result = await this.#store.deleteGroup(groupId);
    if (!result.deleted) return false;
    for (const context of result.closed) {
      const conversation = { ...context.conversation, closedAt: context.conversation.closedAt ?? now };
      await this.#bus.publish({ type: 'conversation', context: { ...context, conversation } });
    }
    await this.#bus.publish({ type: 'group', groupId, userIds: result.memberIds });
    return true;
  }

  /** The conversation, if `userId` takes part in it and it is open; else `FORBIDDEN`. */
  async requireParticipant(userId: string, conversationId: string): Promise<ConversationContext> {
    return participantContext(await this.#store.getConversation(conversationId), userId);
  }

  /** "Message Match": the caller's conversation with their giftee (or santa), created on first use. */
  async openConversation(
    userId: string,
    groupId: string,
    withRole: 'giftee' | 'santa',
  ): Promise<{ overview: ConversationOverview; created: boolean }> {
    const group = await this.#store.getGroup(groupId);
    if (!group || !group.members.some((member) => member.id === userId)) {
      throw new ChatError('FORBIDDEN', 'You are not a member of this group.');
    }
    const assignment =
      withRole === 'giftee'
        ? group.assignments.find((pair) => pair.santa === userId)
        : group.assignments.find((pair) => pair.giftee === userId);
    if (!assignment) {
      throw new ChatError(
        'NO_MATCH',
        withRole === 'giftee' ? 'The raffle has not given you a giftee yet.' : 'The raffle has not given you a santa yet.',
      );
    }
    const opened = await this.#store.openConversation(groupId, assignment.santa, assignment.giftee, this.now());
    if (!opened) throw new ChatError('NO_MATCH', 'The raffle changed; try again.');
    const overview = await this.#store.getConversationOverview(opened.context.conversation.id, userId);
    if (!overview) throw new Error('conversation vanished right after it was opened');
    if (opened.created) await this.#bus.publish({ type: 'conversation', context: opened.context });
    return { overview, created: opened.created };
  }

  async listConversations(userId: string): Promise<{ overviews: ConversationOverview[]; unreadTotal: number }> {
    const overviews = await this.#store.listConversations(userId);
    let unreadTotal = 0;
    for (const overview of overviews) unreadTotal += overview.unread;
    return { overviews, unreadTotal };
  }

  /** The groups `userId` is a member of, with their giftee and whether they have a santa. */
  listGroups(userId: string): Promise<MemberGroupRecord[]> {
    return this.#store.listMemberGroups(userId);
  }

  async history(
    userId: string,
    conversationId: string,
    query: HistoryPageQuery,
  ): Promise<{ context: ConversationContext; page: HistoryPage }> {
    const context = await this.requireParticipant(userId, conversationId);
    const page = await this.#store.listMessages(conversationId, query);
    return { context, page };
  }

  /**
   * Stores a message and fans it out. Idempotent per (sender, clientId): a retry gets the
   * original's result whatever its content, and is neither checked nor counted again.
   *
   * The path awaits only what must be waited for (docs/decisions/0019): the conversation (an
   * in-memory read for SQLite's cached contexts), the limiter only when it is remote (Redis),
   * and the write's COMMIT; the fan-out and the caller's ACK follow in the COMMIT's own
   * continuation.
   *
   * `onStored` runs once the message is durably stored and before it is published, only for
   * the attempt that stored it (not for a retry answered with the original): the sending
   * socket's ACK goes there, so the fan-out can tell that socket has the message.
   */
  send(
    userId: string,
    conversationId: string,
    rawContent: string,
    clientId: string | null,
    onStored?: (message: MessageRecord) => void,
  ): Promise<MessageRecord> {
    if (clientId === null) return this.#storeAndPublish(userId, conversationId, rawContent, null, null, onStored);
    const key = `${userId}\u0000${clientId}`;
    const inFlight = this.#sendsInFlight.get(key);
    if (inFlight) return inFlight;
    const attempt = this.#storeAndPublish(userId, conversationId, rawContent, clientId, key, onStored);
    this.#sendsInFlight.set(key, attempt);
    return attempt;
  }

  /**
   * A retry of a stored message: its first relay may have died between the commit and the
   * publish, so it is published again. Each socket's delivery ledger drops what it already
   * has, so nobody gets a NEW_MESSAGE twice.
   */
  async #republish(message: MessageRecord): Promise<void> {
    const context = await this.#store.getConversation(message.conversationId);
    if (context && context.conversation.closedAt === null) await this.#bus.publish({ type: 'message', context, message });
  }

  /**
   * `key` (sender and clientId) is the entry of `#sendsInFlight` this attempt removes when it
   * ends. A retry of a stored message is answered with the original even when its content,
   * its conversation or the rate limit would refuse a new send: the clientId is looked up only
   * on such a refusal; on the common path `appendMessage` deduplicates inside its transaction,
   * so a send reads the clientId once.
   */
  async #storeAndPublish(
    userId: string,
    conversationId: string,
    rawContent: string,
    clientId: string | null,
    key: string | null,
    onStored: ((message: MessageRecord) => void) | undefined,
  ): Promise<MessageRecord> {
    try {
      return await this.#storeOnce(userId, conversationId, rawContent, clientId, onStored);
    } catch (error) {
      if (clientId === null || !(error instanceof ChatError)) throw error;
      const original = await this.#store.findMessageByClientId(userId, clientId);
      if (!original) throw error;
      await this.#republish(original);
      return original;
    } finally {
      if (key !== null) this.#sendsInFlight.delete(key);
    }
  }

  async #storeOnce(
    userId: string,
    conversationId: string,
    rawContent: string,
    clientId: string | null,
    onStored: ((message: MessageRecord) => void) | undefined,
  ): Promise<MessageRecord> {
    // Not through requireParticipant: one async layer less on the per-message path.
    const context = participantContext(await this.#store.getConversation(conversationId), userId);
    const checked = checkContent(rawContent);
    if (!checked.ok) throw new ChatError(checked.code, checked.message);
    const now = this.now();
    const limiter = this.#messageLimiter;
    const retryAfterMs = limiter.takeNow !== undefined ? limiter.takeNow(userId, now) : await limiter.take(userId, now);
    if (retryAfterMs > 0) {
      throw new ChatError('RATE_LIMITED', `Too many messages; try again in ${Math.ceil(retryAfterMs / 1000)} s.`, {
        retryAfterMs,
      });
    }
    const startedAt = performance.now();
    const input: AppendMessageInput = { conversationId, senderId: userId, content: checked.content, clientId, now };
    if (this.#notifyAfterMs !== undefined) input.noticeDueAt = now + this.#notifyAfterMs;
    const write = this.#store.appendMessage(input);
    this.#writes.add(write);
    let result: AppendMessageResult;
    try {
      result = await write;
    } catch (error) {
      void limiter.release(userId, now);
      throw error;
    } finally {
      this.#writes.delete(write);
    }
    if (result.kind === 'closed') {
      void limiter.release(userId, now);
      throw notAParticipant();
    }
    if (result.kind === 'duplicate') {
      void limiter.release(userId, now);
      await this.#republish(result.message);
      return result.message;
    }
    const { message } = result;
    this.#metrics.messageStored((performance.now() - startedAt) / 1000);
    // The SQLite store's cached context has moved to this seq already; another store's copy is
    // the context as it was read, so the event gets one that has.
    const stored =
      context.conversation.lastSeq >= message.seq
        ? context
        : { ...context, conversation: { ...context.conversation, lastSeq: message.seq } };
    onStored?.(message);
    // Both buses hand the event to this process's sockets before `publish` returns.
    await this.#bus.publish({ type: 'message', context: stored, message });
    return message;
  }

  /** Resolves once every write started so far has settled. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#writes]);
  }

  #track<T>(write: Promise<T>): Promise<T> {
    this.#writes.add(write);
    const forget = (): void => {
      this.#writes.delete(write);
    };
    write.then(forget, forget);
    return write;
  }

  async markRead(userId: string, conversationId: string, upTo: number): Promise<number> {
    const context = await this.requireParticipant(userId, conversationId);
    const cursor = await this.#track(this.#store.markRead(conversationId, userId, upTo));
    if (cursor.moved) await this.#bus.publish({ type: 'read', context, readerId: userId, upTo: cursor.upTo });
    return cursor.upTo;
  }

  /**
   * A participant reports a message of the other side. Stored once per (message, reporter);
   * a repeat is answered the same. With webhooks, `message.reported` is queued in the same
   * transaction as the first report.
   */
  async report(userId: string, conversationId: string, messageId: string, reason: string | null): Promise<ReportRecord> {
    const context = await this.requireParticipant(userId, conversationId);
    const message = await this.#store.getMessage(conversationId, messageId);
    if (!message) throw new ChatError('NOT_FOUND', 'No such message in this conversation.');
    if (message.senderId === userId) throw new ChatError('BAD_REQUEST', 'Only a message of the other side can be reported.');
    const report: ReportRecord = {
      id: newReportId(),
      groupId: context.group.id,
      conversationId,
      messageId,
      reporterId: userId,
      senderId: message.senderId,
      content: message.content,
      reason: reason === null || reason.trim() === '' ? null : reason.trim(),
      createdAt: this.now(),
    };
    const event = this.#notifyAfterMs === undefined ? null : reportedEvent(report);
    const stored = await this.#track(this.#store.reportMessage(report, event));
    if (stored.created && event !== null) this.#metrics.webhookQueued(event.type);
    return stored.report;
  }

  /** The organizer's view of a group's reports (admin API). */
  listReports(groupId: string): Promise<ReportRecord[]> {
    return this.#store.listReports(groupId);
  }

  /** Recent webhook events of one status (admin API). */
  listWebhookDeliveries(status: WebhookDeliveryStatus, limit: number): Promise<WebhookEventRecord[]> {
    return this.#store.listWebhookEvents(status, limit);
  }

  /** Relays "is typing" to the other side, at most once per interval; the rest are dropped. */
  async typing(userId: string, conversationId: string): Promise<void> {
    const context = await this.requireParticipant(userId, conversationId);
    if ((await this.#typingLimiter.take(`${userId}\u0000${conversationId}`, this.now())) > 0) return;
    await this.#bus.publish({ type: 'typing', context, senderId: userId });
  }
}
