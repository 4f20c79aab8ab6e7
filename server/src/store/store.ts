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
}

export interface DeleteGroupResult {
  deleted: boolean;
  /** The group's conversations that were open, so their sockets can be told. */
  closed: ConversationContext[];
}

export interface AppendMessageInput {
  conversationId: string;
  senderId: string;
  content: string;
  clientId: string | null;
  now: number;
}

export type AppendMessageResult =
  | { kind: 'stored'; message: MessageRecord }
  /** The same sender already stored this `clientId`: nothing new was written. */
  | { kind: 'duplicate'; message: MessageRecord }
  /** The conversation is closed or gone: nothing was written. */
  | { kind: 'closed' };

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

export interface Store {
  /** Creates or replaces a group by executing `planGroupWrite` (`group-plan.ts`) in one transaction. */
  putGroup(groupId: string, write: GroupWrite, now: number): Promise<PutGroupResult>;
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
  /** Open or closed; `null` when it never existed or was erased. */
  getConversation(conversationId: string): Promise<ConversationContext | null>;
  /** The group's open conversations (for the reveal announcement). */
  listGroupConversations(groupId: string): Promise<ConversationContext[]>;
  /** The user's open conversations, most recent activity first. */
  listConversations(userId: string): Promise<ConversationOverview[]>;
  /** The groups `userId` is a member of, by name (an indexed read). */
  listMemberGroups(userId: string): Promise<MemberGroupRecord[]>;
  /** One conversation as `viewerId` lists it; `null` when absent. */
  getConversationOverview(conversationId: string, viewerId: string): Promise<ConversationOverview | null>;

  /** Stores a message with the next `seq`, atomically; deduplicates by (sender, clientId). */
  appendMessage(input: AppendMessageInput): Promise<AppendMessageResult>;
  /** The message `senderId` stored with this `clientId`, in any conversation, if any. */
  findMessageByClientId(senderId: string, clientId: string): Promise<MessageRecord | null>;
  listMessages(conversationId: string, query: HistoryPageQuery): Promise<HistoryPage>;
  /** Moves the user's read cursor forward (never back, never past the last seq). */
  markRead(conversationId: string, userId: string, upTo: number): Promise<{ upTo: number; moved: boolean }>;

  /** Resolves when the store can serve (for `/healthz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
