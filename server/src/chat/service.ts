/**
 * The participant operations, shared by the HTTP routes and the socket dispatcher: access
 * checks, the content rule, rate limits, idempotent sends and fan-out. Returns stored
 * records; callers render them for the viewer through `views.ts`.
 */
import type { Bus, BusHealth } from '../cluster/bus.js';
import { ChatError } from '../core/errors.js';
import type { RelayMetrics } from '../core/metrics.js';
import type { Limiters } from '../limits/limiters.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type {
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
import { MessageSender, participantContext, type SendReply } from './send.js';
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

export class ChatService {
  readonly #store: Store;
  readonly #bus: Bus;
  readonly now: Clock;
  readonly #metrics: RelayMetrics;
  readonly #typingLimiter: RateLimiter;
  readonly #notifyAfterMs: number | undefined;
  readonly #sender: MessageSender;
  /** Every other store write under way, so shutdown can let them commit before the store closes. */
  readonly #writes = new Set<Promise<unknown>>();

  constructor(options: ChatServiceOptions) {
    this.#store = options.store;
    this.#bus = options.bus;
    this.now = options.now ?? Date.now;
    this.#metrics = options.metrics;
    this.#typingLimiter = options.limiters.typing;
    this.#notifyAfterMs = options.webhooks?.notifyAfterMs;
    this.#sender = new MessageSender({
      store: this.#store,
      bus: this.#bus,
      metrics: this.#metrics,
      limiter: options.limiters.message,
      now: this.now,
      notifyAfterMs: this.#notifyAfterMs,
    });
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
   * Stores a message and fans it out (`send.ts`): idempotent per (sender, clientId), and
   * `reply` is told once the message is durably stored (`stored`, the ACK's moment) and when
   * the send is over. On the common path nothing in it is awaited (docs/decisions/0023).
   */
  sendNow(userId: string, conversationId: string, rawContent: string, clientId: string | null, reply: SendReply): void {
    this.#sender.send(userId, conversationId, rawContent, clientId, reply);
  }

  /** `sendNow`, as a promise of the stored message (or of the original a retry is answered with). */
  send(userId: string, conversationId: string, rawContent: string, clientId: string | null): Promise<MessageRecord> {
    return new Promise((resolve, reject) => {
      this.#sender.send(userId, conversationId, rawContent, clientId, { stored: () => undefined, done: resolve, failed: reject });
    });
  }

  /** Resolves once every write started so far has settled. */
  async drain(): Promise<void> {
    await Promise.all([this.#sender.drain(), Promise.allSettled([...this.#writes])]);
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
