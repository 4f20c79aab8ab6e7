/**
 * What the client knows, in memory and written through to the `HistoryStore`: conversations,
 * each one's stored messages (by `seq`), the outbox, unread counts and read cursors. It emits
 * `conversations`, `messages` and `unread` whenever those change; the socket lives elsewhere.
 */
import type { Conversation, MemberGroup, RevealFrame } from '../../../protocol/browser.js';
import { MAX_CACHED_PER_CONVERSATION, type HistoryStore } from '../storage/history-store.js';
import { countUnreadAbove, mergeMessages, relabelMessages, syncPoint } from '../storage/message-list.js';
import type { OutboxEntry, StoredMessage } from '../storage/records.js';
import type { ChatMessage, ClientEventMap, OutgoingMessage, UnreadCounts } from './types.js';

export type Emit = <K extends keyof ClientEventMap>(type: K, detail: ClientEventMap[K]) => void;

function activity(conversation: Conversation): number {
  return Date.parse(conversation.lastMessage?.timestamp ?? conversation.createdAt) || 0;
}

/** Most recent activity first, as the relay lists them. */
function byActivity(list: Conversation[]): Conversation[] {
  return list.sort((a, b) => activity(b) - activity(a));
}

function outboxMessage({ createdAt, ...entry }: OutboxEntry): OutgoingMessage {
  return { ...entry, timestamp: new Date(createdAt).toISOString() };
}

export class ChatModel {
  readonly #emit: Emit;
  /** The current user (their own id where a conversation does not say it); the client owns it. */
  readonly #userId: () => string | null;
  #store: HistoryStore | null = null;
  #conversations: Conversation[] = [];
  /** The user's groups and roles from the last READY; null until one said (or from a relay that does not). */
  #groups: MemberGroup[] | null = null;
  readonly #messages = new Map<string, StoredMessage[]>();
  readonly #outbox = new Map<string, OutboxEntry>();
  /** Highest `seq` this user is known to have read, per conversation (a lower bound). */
  readonly #readCursors = new Map<string, number>();
  #unread: UnreadCounts = { total: 0, byConversation: {} };
  /** `messages()` results, kept until that conversation changes so the UI gets stable arrays. */
  readonly #views = new Map<string, ChatMessage[]>();
  /** Each stored message's `messages()` entry (see `#sentView`). */
  readonly #sentViews = new WeakMap<StoredMessage, ChatMessage>();
  /** Bumped by close/destroy, so a load still running for a forgotten user stops. */
  #generation = 0;

  constructor(emit: Emit, userId: () => string | null) {
    this.#emit = emit;
    this.#userId = userId;
  }

  get conversations(): Conversation[] {
    return this.#conversations;
  }

  get unread(): UnreadCounts {
    return this.#unread;
  }

  get groups(): MemberGroup[] | null {
    return this.#groups;
  }

  /** READY: the user's groups, as the relay has them now. */
  setGroups(groups: MemberGroup[] | undefined): void {
    this.#groups = groups ?? null;
    this.#emit('groups', { groups: this.#groups });
  }

  /** The other side read up to `upTo` (READ): the conversation's `peerReadUpTo` only moves forward. */
  peerRead(conversationId: string, upTo: number): void {
    const conversation = this.conversation(conversationId);
    if (conversation && upTo > (conversation.peerReadUpTo ?? 0)) this.#updateConversation({ ...conversation, peerReadUpTo: upTo });
  }

  conversation(conversationId: string): Conversation | undefined {
    return this.#conversations.find((conversation) => conversation.id === conversationId);
  }

  /** The caller's own id in that conversation (the giftee sees the santa as an alias, never themself). */
  selfId(conversationId: string): string {
    return this.conversation(conversationId)?.self.id ?? this.#userId() ?? '';
  }

  /** The seq to SYNC from: everything up to it is held (see `syncPoint`). */
  syncPoint(conversationId: string): number {
    const messages = this.#messages.get(conversationId) ?? [];
    // The cache keeps the newest MAX_CACHED_PER_CONVERSATION: holding that many, older ones were dropped on purpose.
    return syncPoint(messages, messages.length >= MAX_CACHED_PER_CONVERSATION);
  }

  lowestSeq(conversationId: string): number {
    return this.#messages.get(conversationId)?.[0]?.seq ?? 0;
  }

  /** Stored messages by `seq`, then the outbox entries of the conversation not stored yet. */
  messages(conversationId: string): ChatMessage[] {
    const cached = this.#views.get(conversationId);
    if (cached) return cached;
    const stored = this.#messages.get(conversationId) ?? [];
    const storedClientIds = new Set(stored.map((message) => message.clientId));
    const view: ChatMessage[] = stored.map((message) => this.#sentView(message));
    for (const entry of this.outboxEntries()) {
      if (entry.conversationId === conversationId && !storedClientIds.has(entry.clientId)) view.push(outboxMessage(entry));
    }
    this.#views.set(conversationId, view);
    return view;
  }

  /** The same object for as long as the stored message is, so the UI can tell what did not change. */
  #sentView(message: StoredMessage): ChatMessage {
    let view = this.#sentViews.get(message);
    if (!view) {
      view = { ...message, status: 'sent' };
      this.#sentViews.set(message, view);
    }
    return view;
  }

  outboxEntries(): OutboxEntry[] {
    return [...this.#outbox.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  outboxEntry(clientId: string): OutboxEntry | undefined {
    return this.#outbox.get(clientId);
  }

  toChatMessage(entry: OutboxEntry): OutgoingMessage {
    return outboxMessage(entry);
  }

  /** Loads a user's cache, so history renders before the socket connects. */
  async open(store: HistoryStore): Promise<void> {
    const generation = this.#generation;
    // Reads side by side: the thread paints after the slowest, not after their sum.
    const outboxLoaded = store.outbox().catch(() => []);
    const conversations = await store.loadConversations().catch(() => []);
    const [outbox, ...messages] = await Promise.all([
      outboxLoaded,
      ...conversations.map((conversation) => store.loadMessages(conversation.id).catch(() => [])),
    ]);
    if (generation !== this.#generation) {
      store.close();
      return;
    }
    this.#store = store;
    conversations.forEach((conversation, index) => this.#messages.set(conversation.id, messages[index] ?? []));
    for (const entry of outbox) this.#outbox.set(entry.clientId, entry);
    this.#conversations = byActivity(conversations);
    this.#setUnreadFromConversations();
    this.#conversationsChanged(false);
    for (const conversation of conversations) this.#messagesChanged(conversation.id);
  }

  /** Forgets the loaded user (the cache stays on disk). */
  close(): void {
    this.#store?.close();
    this.#store = null;
    this.#clear();
  }

  /** Forgets the loaded user and erases their cache. */
  async destroy(): Promise<void> {
    const store = this.#store;
    this.#store = null;
    this.#clear();
    await store?.destroy();
  }

  /** Every conversation held, listed or with messages. */
  #conversationIds(): Set<string> {
    return new Set([...this.#messages.keys(), ...this.#conversations.map((conversation) => conversation.id)]);
  }

  #clear(): void {
    this.#generation++;
    const conversationIds = this.#conversationIds();
    this.#conversations = [];
    this.#groups = null;
    this.#messages.clear();
    this.#outbox.clear();
    this.#readCursors.clear();
    this.#views.clear();
    this.#unread = { total: 0, byConversation: {} };
    this.#emit('conversations', { conversations: this.#conversations });
    this.#emit('unread', this.#unread);
    for (const conversationId of conversationIds) this.#emit('messages', { conversationId });
  }

  /** READY: the relay's list is authoritative; conversations missing from it are gone (closed). */
  replaceConversations(list: Conversation[]): void {
    const open = list.filter((conversation) => !conversation.closed);
    const keep = new Set(open.map((conversation) => conversation.id));
    for (const conversationId of this.#conversationIds()) {
      if (!keep.has(conversationId)) this.#forget(conversationId);
    }
    for (const conversation of open) {
      // With nothing unread the cursor is at least the last message.
      if (conversation.unread === 0) this.#raiseCursor(conversation.id, conversation.lastMessage?.seq ?? 0);
    }
    this.#setConversations(open);
  }

  /** Adds or updates one conversation (CONVERSATION frame, Message Match); a closed one is removed. Returns true when it was new. */
  upsertConversation(conversation: Conversation): boolean {
    const held = this.conversation(conversation.id);
    const known = held !== undefined;
    // A READ may have come after the relay built this object: the cursor only moves forward.
    if (held?.peerReadUpTo && held.peerReadUpTo > (conversation.peerReadUpTo ?? 0)) conversation = { ...conversation, peerReadUpTo: held.peerReadUpTo };
    const others = this.#conversations.filter((c) => c.id !== conversation.id);
    if (!conversation.closed) {
      this.#setConversations([...others, conversation]);
      return !known;
    }
    if (known || this.#messages.has(conversation.id)) {
      this.#forget(conversation.id);
      this.#setConversations(others);
    }
    return false;
  }

  /** Drops a conversation's messages and outbox entries, in memory and in the cache. */
  #forget(conversationId: string): void {
    this.#messages.delete(conversationId);
    this.#readCursors.delete(conversationId);
    for (const entry of this.#outbox.values()) {
      if (entry.conversationId === conversationId) this.#outbox.delete(entry.clientId);
    }
    this.#persist(this.#store?.deleteConversation(conversationId));
    this.#messagesChanged(conversationId);
  }

  /**
   * Stores messages (merged by id). A message newer than the conversation's last one moves
   * `lastMessage`, and counts as unread when it is the other side's and above the read cursor;
   * older ones (catch-up, history pages) were already counted by the relay. Returns the new ones.
   */
  addMessages(conversationId: string, incoming: StoredMessage[]): StoredMessage[] {
    if (incoming.length === 0) return [];
    const { messages, added } = mergeMessages(this.#messages.get(conversationId) ?? [], incoming);
    if (added.length === 0) return added;
    this.#messages.set(conversationId, messages);
    this.#persist(this.#store?.putMessages(conversationId, added));
    this.#messagesChanged(conversationId);
    const conversation = this.conversation(conversationId);
    if (conversation) {
      let lastMessage = conversation.lastMessage;
      let unread = this.#unread.byConversation[conversationId] ?? 0;
      const selfId = conversation.self.id;
      const cursor = this.#readCursors.get(conversationId) ?? 0;
      for (const message of [...added].sort((a, b) => a.seq - b.seq)) {
        if (message.seq <= (lastMessage?.seq ?? 0)) continue;
        if (message.senderId !== selfId && message.seq > cursor) unread++;
        const { clientId: _clientId, ...plain } = message;
        lastMessage = plain;
      }
      if (lastMessage !== conversation.lastMessage) this.#updateConversation({ ...conversation, lastMessage, unread });
    }
    return added;
  }

  /**
   * The user read up to `upTo` here or in another tab. Returns false when the cursor was
   * already there (nothing to tell the relay).
   */
  advanceReadCursor(conversationId: string, upTo: number): boolean {
    if (upTo <= (this.#readCursors.get(conversationId) ?? 0)) return false;
    this.#raiseCursor(conversationId, upTo);
    this.recountUnread(conversationId);
    return true;
  }

  /** Lowers a conversation's unread to the other side's messages held above the read cursor. */
  recountUnread(conversationId: string): void {
    const conversation = this.conversation(conversationId);
    if (!conversation) return;
    const cursor = this.#readCursors.get(conversationId) ?? 0;
    const unread = Math.min(conversation.unread, countUnreadAbove(this.#messages.get(conversationId) ?? [], cursor, conversation.self.id));
    if (unread !== conversation.unread) this.#updateConversation({ ...conversation, unread });
  }

  #raiseCursor(conversationId: string, seq: number): void {
    if (seq > (this.#readCursors.get(conversationId) ?? 0)) this.#readCursors.set(conversationId, seq);
  }

  /** REVEAL: the conversation shows the santa, and what they sent as the alias becomes theirs. */
  reveal(frame: RevealFrame): void {
    const conversation = this.conversation(frame.conversationId);
    const messages = this.#messages.get(frame.conversationId);
    if (messages) {
      this.#messages.set(frame.conversationId, relabelMessages(messages, frame.alias, frame.peer.id));
      this.#messagesChanged(frame.conversationId);
    }
    this.#persist(this.#store?.relabel(frame.conversationId, frame.alias, frame.peer.id));
    if (conversation) {
      const lastMessage = conversation.lastMessage && relabelMessages([conversation.lastMessage], frame.alias, frame.peer.id)[0];
      this.#updateConversation({
        ...conversation,
        participants: frame.participants,
        peer: frame.peer,
        revealed: true,
        lastMessage: lastMessage ?? null,
      });
    }
  }

  /**
   * A new send: held and shown at once, and written to the cache; resolves when the write
   * committed. The caller puts it on the wire meanwhile (docs/decisions/0009-send-while-the-outbox-writes.md).
   */
  addOutbox(entry: OutboxEntry): Promise<void> {
    // Requested before anything else can touch this entry in the cache: a delete after an
    // ACK is a later transaction on the same store, so IndexedDB runs it after this put.
    const written = this.#store?.putOutbox(entry);
    this.#outbox.set(entry.clientId, entry);
    this.#messagesChanged(entry.conversationId);
    // A store that refuses the write (quota, private mode) must not stop the chat: the entry
    // still lives in memory and is sent; it only would not survive a reload.
    return (written ?? Promise.resolve()).catch(() => undefined);
  }

  updateOutbox(entry: OutboxEntry): void {
    if (!this.#outbox.has(entry.clientId)) return;
    this.#outbox.set(entry.clientId, entry);
    this.#persist(this.#store?.putOutbox(entry));
    this.#messagesChanged(entry.conversationId);
  }

  /** Removes an outbox entry (acknowledged, echoed or discarded); returns it when it was held. */
  removeOutbox(clientId: string): OutboxEntry | undefined {
    const entry = this.#outbox.get(clientId);
    // Always from the cache too: another tab of this user may have written it.
    this.#persist(this.#store?.deleteOutbox(clientId));
    if (!entry) return undefined;
    this.#outbox.delete(clientId);
    this.#messagesChanged(entry.conversationId);
    return entry;
  }

  #updateConversation(updated: Conversation): void {
    this.#setConversations(this.#conversations.map((c) => (c.id === updated.id ? updated : c)));
  }

  /** A new list (sorted here), its unread counts, events and cache write. */
  #setConversations(list: Conversation[]): void {
    this.#conversations = byActivity(list);
    this.#setUnreadFromConversations();
    this.#conversationsChanged();
  }

  #setUnreadFromConversations(): void {
    const byConversation: Record<string, number> = {};
    let total = 0;
    for (const conversation of this.#conversations) {
      byConversation[conversation.id] = conversation.unread;
      total += conversation.unread;
    }
    const previous = this.#unread;
    const same =
      previous.total === total &&
      Object.keys(previous.byConversation).length === this.#conversations.length &&
      this.#conversations.every((conversation) => previous.byConversation[conversation.id] === conversation.unread);
    if (same) return;
    this.#unread = { total, byConversation };
    this.#emit('unread', this.#unread);
  }

  #conversationsChanged(persist = true): void {
    if (persist) this.#persist(this.#store?.saveConversations(this.#conversations));
    this.#emit('conversations', { conversations: this.#conversations });
  }

  #messagesChanged(conversationId: string): void {
    this.#views.delete(conversationId);
    this.#emit('messages', { conversationId });
  }

  /** Cache writes run in the background, in order; a failed one costs only the cache. */
  #persist(write: Promise<void> | undefined): void {
    write?.catch(() => undefined);
  }
}
