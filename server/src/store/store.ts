/**
 * The storage seam. Two implementations (SQLite embedded, PostgreSQL for scale-out) pass the
 * same conformance suite (`conformance.ts`). Records hold real ids: what a viewer may see is
 * decided later, in `views.ts`, never here.
 *
 * Times are milliseconds since the epoch. Every method is async so a networked store fits.
 */

export interface MemberRecord {
  id: string;
  name: string;
}

export interface AssignmentRecord {
  santa: string;
  giftee: string;
}

export interface GroupMeta {
  id: string;
  name: string;
  revealAt: number;
}

export interface GroupRecord extends GroupMeta {
  /** When the current `revealAt` was set (a write that keeps it keeps this too). */
  revealSetAt: number;
  members: MemberRecord[];
  assignments: AssignmentRecord[];
  createdAt: number;
  updatedAt: number;
}

/** What a host PUTs, after validation (ids already strings, `revealAt` parsed). */
export interface GroupWrite {
  name: string;
  revealAt: number;
  members: MemberRecord[];
  assignments: AssignmentRecord[];
}

export interface ConversationRecord {
  id: string;
  groupId: string;
  santaId: string;
  gifteeId: string;
  /** Opaque id that stands for the santa in the giftee's view until the reveal. */
  alias: string;
  createdAt: number;
  closedAt: number | null;
  lastSeq: number;
  /**
   * When this conversation's pair was revealed under a `revealAt` no longer in force; `null`
   * while not (then the clock decides, see `group-plan.ts`). Kept by the group write's plan.
   */
  revealedAt: number | null;
}

/** Everything needed to render a conversation, or anything in it, for any viewer. */
export interface ConversationContext {
  conversation: ConversationRecord;
  group: GroupMeta;
  santa: MemberRecord;
  giftee: MemberRecord;
}

export interface MessageRecord {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  content: string;
  clientId: string | null;
  createdAt: number;
}

/** A conversation as one participant lists it. */
export interface ConversationOverview extends ConversationContext {
  unread: number;
  lastMessage: MessageRecord | null;
  /** The other participant's read cursor (0 when they have read nothing). */
  peerReadUpTo: number;
}

/**
 * A group as one of its members takes part in it: their giftee, and only whether someone gives
 * to them. Who does is not in the record at all, so no view built from it can name the santa.
 */
export interface MemberGroupRecord {
  group: GroupMeta;
  /** The raffle has happened (the group has assignments). */
  drawn: boolean;
  /** The member's giftee, when the raffle gave them one. */
  giftee: MemberRecord | null;
  hasSanta: boolean;
}

export interface PutGroupResult {
  created: boolean;
  group: GroupRecord;
  /** Conversations closed by this write because their pair left the raffle (a re-draw). */
  closed: ConversationContext[];
  /** Open conversations this write revealed (it moved `revealAt` into the past). */
  revealed: ConversationContext[];
  /** The members before and after the write, each once (their sockets get a fresh READY). */
  memberIds: string[];
}

export interface DeleteGroupResult {
  deleted: boolean;
  /** The group's conversations that were open, so their sockets can be told. */
  closed: ConversationContext[];
  /** Its members, whose sockets get a READY without it. */
  memberIds: string[];
}

export interface AppendMessageInput {
  conversationId: string;
  senderId: string;
  content: string;
  clientId: string | null;
  now: number;
  /**
   * With webhooks on: when the other participant's `message.unread` notice falls due if they
   * have not read by then. Arms the conversation's notice row in the append's own transaction
   * (a row already armed is kept, so a burst makes one notice). Unset: no row is written.
   */
  noticeDueAt?: number;
}

export type AppendMessageResult =
  | { kind: 'stored'; message: MessageRecord }
  /** The same sender already stored this `clientId`: nothing new was written. */
  | { kind: 'duplicate'; message: MessageRecord }
  /** The conversation is closed or gone: nothing was written. */
  | { kind: 'closed' };

/**
 * Told how a write ended, once it is durable (or failed): one object per write instead of a
 * promise and its continuations (`chat/send.ts`, the SQLite writers). Neither method may throw.
 */
export interface Completion<T> {
  written(value: T): void;
  failed(error: unknown): void;
}

/** How an append ended. */
export type AppendCompletion = Completion<AppendMessageResult>;

export interface HistoryPageQuery {
  after?: number;
  before?: number;
  limit: number;
}

export interface HistoryPage {
  /** Oldest first. */
  messages: MessageRecord[];
  /** More messages exist past this page, in the direction the query reads. */
  hasMore: boolean;
}

export type WebhookEventType = 'message.unread' | 'message.reported' | 'group.revealed';
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A webhook event to store, its body already built for its reader (`views/webhook-events.ts`). */
export interface WebhookEventWrite {
  /** The `webhook-id`, the same on every attempt. */
  id: string;
  type: WebhookEventType;
  groupId: string;
  /** The JSON body `{ type, timestamp, data }`, exactly as it is signed and sent. */
  payload: string;
  /** Not tried before this instant (a reveal's event waits for its date). */
  dueAt: number;
  createdAt: number;
}

export interface RevealEventWrite {
  event: WebhookEventWrite;
  dedupeKey: string;
}

export interface WebhookEventRecord extends WebhookEventWrite {
  status: WebhookDeliveryStatus;
  attempts: number;
  /** The last attempt's HTTP status, or why it had none (`timeout`, `ECONNREFUSED`, …). */
  lastStatus: string | null;
  lastAttemptAt: number | null;
  nextAttemptAt: number;
  /** When the first failed attempt of a still undelivered event was made. */
  firstFailedAt: number | null;
  deliveredAt: number | null;
}

/** The outcome of one attempt, recorded by the relay that claimed the event. */
export interface WebhookAttemptOutcome {
  status: WebhookDeliveryStatus;
  lastStatus: string;
  attemptedAt: number;
  nextAttemptAt: number;
  firstFailedAt: number | null;
}

/** A `message.unread` notice that fell due: the conversation, its reader and what they left unread. */
export interface UnreadNoticeDue {
  context: ConversationContext;
  readerId: string;
  dueAt: number;
  /** Messages of the other side after the reader's cursor, oldest first (0 when none). */
  unread: number;
  firstUnreadAt: number | null;
  /** The newest unread message (for previews); `null` when nothing is unread any more. */
  latest: MessageRecord | null;
}

export interface UnreadNoticeSettlement {
  conversationId: string;
  readerId: string;
  event: WebhookEventWrite | null;
}

export interface ReportWrite {
  id: string;
  groupId: string;
  conversationId: string;
  messageId: string;
  reporterId: string;
  senderId: string;
  content: string;
  reason: string | null;
  createdAt: number;
}

export type ReportRecord = ReportWrite;

export interface Store {
  /**
   * Creates or replaces a group by executing `planGroupWrite` (`group-plan.ts`) in one transaction.
   * With `revealEvent` (webhooks on), the same transaction schedules the group's
   * `group.revealed` event (`event.dueAt` is its `revealAt`): an unattempted one for another
   * date is dropped, and the one for this date is stored once (`dedupeKey`).
   */
  putGroup(groupId: string, write: GroupWrite, now: number, revealEvent?: RevealEventWrite): Promise<PutGroupResult>;
  getGroup(groupId: string): Promise<GroupRecord | null>;
  /** Erases the group, its conversations, messages and cursors, from the files too. */
  deleteGroup(groupId: string): Promise<DeleteGroupResult>;
  /** The earliest `revealAt` of any group after `instant`; `null` when none (an indexed read). */
  nextRevealAfter(instant: number): Promise<number | null>;
  /**
   * The open, unlatched conversations that the clock reveals in `(after, upTo]`: of groups whose
   * `revealAt` falls there and was set before it came (a write that sets a past date reveals
   * by itself, see `PutGroupResult.revealed`).
   */
  listRevealsDue(after: number, upTo: number): Promise<ConversationContext[]>;

  /**
   * Returns the open conversation of this assignment, creating it when there is none.
   * `null` when the pair is not (or no longer) an assignment of the group.
   */
  openConversation(
    groupId: string,
    santaId: string,
    gifteeId: string,
    now: number,
  ): Promise<{ context: ConversationContext; created: boolean } | null>;
  /** Open or closed; `null` when it never existed or was erased. Read-only to callers: a store may hand out its cached context itself. */
  getConversation(conversationId: string): Promise<ConversationContext | null>;
  /** The group's open conversations (for the reveal announcement). */
  listGroupConversations(groupId: string): Promise<ConversationContext[]>;
  /** The user's open conversations, most recent activity first. */
  listConversations(userId: string): Promise<ConversationOverview[]>;
  /** The groups `userId` is a member of, by name (an indexed read). */
  listMemberGroups(userId: string): Promise<MemberGroupRecord[]>;
  /** One conversation as `viewerId` lists it; `null` when absent. */
  getConversationOverview(conversationId: string, viewerId: string): Promise<ConversationOverview | null>;

  /**
   * The conversation, answered at once when this store holds it in memory (the SQLite store's
   * context cache); `undefined` when `getConversation` must be asked.
   */
  peekConversation?(conversationId: string): ConversationContext | undefined;

  /** Stores a message with the next `seq`, atomically; deduplicates by (sender, clientId). */
  appendMessage(input: AppendMessageInput): Promise<AppendMessageResult>;
  /**
   * `appendMessage`, telling `done` instead of settling a promise (the send's hot path,
   * `chat/send.ts`): a store that commits in batches calls it from the batch's end.
   */
  appendMessageNow?(input: AppendMessageInput, done: AppendCompletion): void;
  /** The message `senderId` stored with this `clientId`, in any conversation, if any. */
  findMessageByClientId(senderId: string, clientId: string): Promise<MessageRecord | null>;
  listMessages(conversationId: string, query: HistoryPageQuery): Promise<HistoryPage>;
  /** Moves the user's read cursor forward (never back, never past the last seq). */
  markRead(conversationId: string, userId: string, upTo: number): Promise<{ upTo: number; moved: boolean }>;

  /** One message of a conversation by its id; `null` when it is not there. */
  getMessage(conversationId: string, messageId: string): Promise<MessageRecord | null>;

  /**
   * Stores a report once per (message, reporter); with `event`, stores it in the same
   * transaction, only when the report is new. Returns the stored report (the first one).
   */
  reportMessage(report: ReportWrite, event: WebhookEventWrite | null): Promise<{ report: ReportRecord; created: boolean }>;
  /** A group's reports, newest first. */
  listReports(groupId: string): Promise<ReportRecord[]>;

  /** Unread notices due at `now` and not yet turned into an event, at most `limit`. */
  listUnreadNoticesDue(now: number, limit: number): Promise<UnreadNoticeDue[]>;
  /**
   * Turns due notices into their events, each once, all in one transaction: marks a notice
   * sent and stores its event, unless another relay did first (`false` for that one). An
   * `event: null` drops its notice (nothing unread any more).
   */
  settleUnreadNotices(settlements: readonly UnreadNoticeSettlement[], now: number): Promise<boolean[]>;
  /**
   * Claims up to `limit` due, unleased pending events for `leaseMs` under `claimToken`
   * (PostgreSQL: `FOR UPDATE SKIP LOCKED`), so each attempt is made by one relay.
   */
  claimWebhookEvents(now: number, leaseMs: number, limit: number, claimToken: string): Promise<WebhookEventRecord[]>;
  /** Records an attempt's outcome and frees the lease; a no-op when the claim was lost. */
  recordWebhookAttempt(id: string, claimToken: string, outcome: WebhookAttemptOutcome): Promise<void>;
  /** Recent events of one status, newest first (for operators). */
  listWebhookEvents(status: WebhookDeliveryStatus, limit: number): Promise<WebhookEventRecord[]>;
  countPendingWebhookEvents(): Promise<number>;

  /** Resolves when the store can serve (for `/healthz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
