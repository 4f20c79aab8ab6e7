/**
 * `SantaChatClient`: the widget's headless core, usable without the element. A facade over
 * its parts: `Connection` (the socket, its state machine, heartbeat and token renewal),
 * `Outbox` (sending and its retries), `ChatModel` (what is known, and the events when it
 * changes). Here: the public API; the current user and their cache, opened once per user;
 * what each relay frame does, SYNC catch-up after every READY; reads, typing and HTTP.
 */
import {
  ConversationResponseSchema,
  HistoryResponseSchema,
  LIMITS,
  type Conversation,
  type MemberGroup,
  type ReadyFrame,
  type ServerFrame,
} from '../../../protocol/browser.js';
import type { HistoryStore } from '../storage/history-store.js';
import { MemoryHistoryStore } from '../storage/memory-store.js';
import { openHistoryStore } from '../storage/open-history-store.js';
import { ChatModel } from './chat-model.js';
import { Connection, socketUrl } from './connection.js';
import { ChatClientError } from './errors.js';
import { callApi, type ResponseSchema } from './http-api.js';
import { Outbox } from './outbox.js';
import { tokenSubject } from './token.js';
import { TokenSource } from './token-source.js';
import {
  DisconnectReason,
  type ChatMessage,
  ClientConnectionState,
  type ClientEventMap,
  type OutgoingMessage,
  type SantaChatClientOptions,
  type UnreadCounts,
} from './types.js';

export type { SantaChatClientOptions } from './types.js';

const HISTORY_PAGE = LIMITS.historyPageDefault;

/** A frame's fields without its `type`, as the events carry them. */
function withoutType<T extends { type: string }>({ type: _type, ...fields }: T): Omit<T, 'type'> {
  return fields;
}

/**
 * @fires state, conversations, groups, messages, message, unread, typing, read, reveal, error
 * (CustomEvents; `detail` as in `ClientEventMap`; `on()` subscribes with types).
 */
export class SantaChatClient extends EventTarget {
  readonly #server: string;
  readonly #fetch: typeof fetch;
  readonly #tokens: TokenSource;
  readonly #now: () => number;
  readonly #model: ChatModel;
  readonly #storage: 'indexeddb' | 'memory' | HistoryStore;
  /**
   * The one record of the current user (from a token, or READY): stays while stopped,
   * cleared by logout. `loaded`: their cache being or been loaded, null until asked for.
   */
  #user: { id: string; loaded: Promise<void> | null } | null;
  readonly #connection: Connection;
  #refusal: { code: string; message: string } | null = null;
  readonly #outbox: Outbox;
  readonly #typingSentAt = new Map<string, number>();
  /** Read cursors moved while no socket could carry the READ; sent after the next READY. */
  readonly #unsentReads = new Map<string, number>();

  constructor(options: SantaChatClientOptions) {
    super();
    const server = (this.#server = options.server.replace(/\/+$/, ''));
    const url = socketUrl(server);
    if (options.WebSocket === undefined && typeof WebSocket === 'undefined') {
      throw new Error('santa-chat: this environment has no WebSocket; pass one as `options.WebSocket`');
    }
    const random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#tokens = new TokenSource(options.token || null, options.tokenProvider, this.#now);
    this.#storage = options.storage ?? 'indexeddb';
    this.#model = new ChatModel((type, detail) => this.#emit(type, detail), () => this.userId);
    const userId = options.token ? tokenSubject(options.token) : null;
    this.#user = userId === null ? null : { id: userId, loaded: null };
    this.#outbox = new Outbox(this.#model, (frame) => this.#connection.send(frame), this.#now, random);
    this.#connection = new Connection(
      { url, WebSocket: options.WebSocket ?? WebSocket, tokens: this.#tokens, random },
      {
        openCache: (subject) => this.#openCache(subject ?? this.userId),
        frame: (frame) => this.#handleFrame(frame),
        dropped: () => this.#outbox.reset(),
        renewed: (token) => this.setToken(token),
        state: (detail) => this.#emit('state', detail),
        refused: (refusal) => {
          this.#refusal = refusal;
          // For the developer setting the site up: the console names what to change.
          console.warn(`santa-chat: the relay refused to connect (${refusal.code}): ${refusal.message}`);
          this.#emit('error', refusal);
        },
      },
    );
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get state(): ClientConnectionState {
    return this.#connection.state;
  }

  /** The last refusal the relay named (origin or token), until the next successful connection. */
  get refusal(): { code: string; message: string } | null {
    return this.#connection.state === ClientConnectionState.CONNECTED ? null : this.#refusal;
  }

  get userId(): string | null {
    return this.#user?.id ?? null;
  }

  /** Most recent activity first. A new array whenever anything in it changes. */
  get conversations(): Conversation[] {
    return this.#model.conversations;
  }

  get unread(): UnreadCounts {
    return this.#model.unread;
  }

  /**
   * The user's groups and their role in each (giftee by name, santa only as `hasSanta`), from
   * the last READY; null before it, or from a relay that does not send them.
   */
  get groups(): MemberGroup[] | null {
    return this.#model.groups;
  }

  get lastDisconnectReason(): DisconnectReason | null {
    return this.#connection.lastDisconnectReason;
  }

  /** Typed `addEventListener` for the `detail` of each event; returns the unsubscribe. */
  on<K extends keyof ClientEventMap>(type: K, listener: (detail: ClientEventMap[K]) => void): () => void {
    const handler = (event: Event): void => listener((event as CustomEvent<ClientEventMap[K]>).detail);
    this.addEventListener(type, handler);
    return () => this.removeEventListener(type, handler);
  }

  #emit<K extends keyof ClientEventMap>(type: K, detail: ClientEventMap[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  /**
   * Loads the cache (conversations, messages, outbox: the UI can render at once), then opens
   * the socket. Resolves when the first socket is on its way; READY is the `state` event.
   * Idempotent while running.
   */
  connect(): Promise<void> {
    return this.#connection.connect();
  }

  /** Closes the socket and stays disconnected (reason `client`) until `connect()`. */
  disconnect(): void {
    this.#connection.stop(DisconnectReason.CLIENT);
  }

  /** Disconnects, erases this user's cache and outbox, and forgets them. */
  async logout(): Promise<void> {
    this.#connection.stop(DisconnectReason.CLIENT);
    // The user's cache is erased even when this client never loaded it (logout before
    // connect); a load still running finishes first, or it would hand the model its store
    // after the erase.
    const loading = this.#user === null ? undefined : this.#openCache(this.#user.id);
    this.#user = null;
    this.#tokens.current = null;
    this.#unsentReads.clear();
    this.#typingSentAt.clear();
    await loading;
    await this.#model.destroy();
  }

  /**
   * A new token from the host. On a live socket it is sent as AUTH (the relay renews without
   * dropping the socket); a token of another user switches to that user's cache.
   */
  setToken(token: string): void {
    const subject = tokenSubject(token);
    if (subject !== null && this.#user?.loaded != null && subject !== this.#user.id) {
      const wasWanted = this.#connection.wanted;
      this.#connection.stop(DisconnectReason.CLIENT);
      this.#setUser(subject);
      this.#unsentReads.clear();
      this.#tokens.current = token;
      if (wasWanted) void this.connect();
      return;
    }
    this.#tokens.current = token;
    if (subject !== null) this.#setUser(subject);
    this.#connection.tokenChanged(token);
  }

  /** The current user is `userId`; another user's cache is forgotten in memory (it stays on disk). */
  #setUser(userId: string): void {
    if (this.#user?.id === userId) return;
    this.#forgetCache();
    this.#user = { id: userId, loaded: null };
  }

  /** Loads `userId`'s cache (who becomes the current user); resolves when history can render. */
  #openCache(userId: string | null): Promise<void> {
    if (userId === null) return Promise.resolve();
    if (this.#user?.id === userId && this.#user.loaded !== null) return this.#user.loaded;
    this.#forgetCache();
    const loaded = this.#openStore(userId).then((store) => this.#model.open(store));
    this.#user = { id: userId, loaded };
    return loaded;
  }

  #forgetCache(): void {
    if (this.#user?.loaded == null) return;
    this.#model.close();
    this.#user.loaded = null;
  }

  #openStore(userId: string): Promise<HistoryStore> {
    if (this.#storage === 'memory') return Promise.resolve(new MemoryHistoryStore());
    if (this.#storage === 'indexeddb') return openHistoryStore(this.#server, userId);
    return Promise.resolve(this.#storage);
  }

  #handleFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'READY':
        this.#onReady(frame);
        return;
      case 'ACK':
        this.#outbox.acknowledged(frame);
        return;
      case 'NEW_MESSAGE': {
        const { type: _type, clientId, ...message } = frame;
        if (clientId !== undefined) this.#model.removeOutbox(clientId);
        const added = this.#model.addMessages(frame.conversationId, [clientId === undefined ? message : { ...message, clientId }]);
        if (added.length > 0 && message.senderId !== this.#model.selfId(frame.conversationId)) {
          this.#emit('message', { conversationId: frame.conversationId, message });
        }
        return;
      }
      case 'HISTORY':
        this.#model.addMessages(frame.conversationId, frame.messages);
        if (frame.hasMore) this.#sync(frame.conversationId);
        return;
      case 'READ':
        if (frame.readerId === this.#model.selfId(frame.conversationId)) this.#model.advanceReadCursor(frame.conversationId, frame.upTo);
        else {
          this.#model.peerRead(frame.conversationId, frame.upTo);
          this.#emit('read', withoutType(frame));
        }
        return;
      case 'TYPING':
        this.#emit('typing', withoutType(frame));
        return;
      case 'CONVERSATION':
        this.#upsertConversation(frame.conversation);
        return;
      case 'REVEAL':
        this.#model.reveal(frame);
        this.#emit('reveal', withoutType(frame));
        return;
      case 'ERROR': {
        if (this.#outbox.refused(frame)) return;
        const { retryAfterMs: _retryAfterMs, ...error } = withoutType(frame);
        this.#emit('error', error);
        return;
      }
      case 'REPORTED':
        this.#emit('reported', withoutType(frame));
        return;
      // PONG: proved the socket alive, which is all it is for.
    }
  }

  /**
   * Reports a message of the other side to the group's organizer, with an optional reason
   * (cut to 500 characters). `reported` follows once the relay stored it; false when no socket
   * could carry it now (nothing is queued: the user tries again).
   */
  report(conversationId: string, messageId: string, reason = ''): boolean {
    const trimmed = reason.trim().slice(0, LIMITS.maxReportReasonLength);
    return this.#connection.send({ type: 'REPORT', conversationId, messageId, ...(trimmed ? { reason: trimmed } : {}) });
  }

  #onReady(frame: ReadyFrame): void {
    this.#setUser(frame.userId);
    this.#model.replaceConversations(frame.conversations);
    this.#model.setGroups(frame.groups);
    // READY counted before the relay heard of these reads.
    for (const conversationId of this.#unsentReads.keys()) this.#model.recountUnread(conversationId);
    if (!this.#connection.ready()) return;
    for (const conversation of this.#model.conversations) this.#sync(conversation.id);
    this.#outbox.resendAll();
    for (const [conversationId, upTo] of this.#unsentReads) {
      if (this.#connection.send({ type: 'READ', conversationId, upTo })) this.#unsentReads.delete(conversationId);
    }
  }

  /** Asks for everything after the last seq held without a gap; HISTORY answers, repeated while hasMore. */
  #sync(conversationId: string): void {
    this.#connection.send({ type: 'SYNC', conversationId, after: this.#model.syncPoint(conversationId) });
  }

  #upsertConversation(conversation: Conversation): void {
    if (this.#model.upsertConversation(conversation)) this.#sync(conversation.id);
  }

  /** Stored messages by `seq`, then this conversation's outbox entries; never the same message twice. */
  messages(conversationId: string): ChatMessage[] {
    return this.#model.messages(conversationId);
  }

  /**
   * Sends `content` (normalized by the contract's rule). Rejects with a `ChatClientError`
   * (EMPTY, TOO_LONG, BAD_REQUEST) and keeps nothing when the rule refuses it. Otherwise the
   * message goes out at once while its outbox entry is written, and `send` resolves once the
   * entry is on disk; it is re-sent with the same `clientId` after reconnects and reloads until
   * the relay acknowledges or refuses it (docs/decisions/0009-send-while-the-outbox-writes.md).
   */
  send(conversationId: string, content: string): Promise<OutgoingMessage> {
    return this.#outbox.send(conversationId, content);
  }

  /** Sends a failed (or stuck) message again with its `clientId`. */
  async retry(clientId: string): Promise<void> {
    this.#outbox.retry(clientId);
  }

  /** Drops a message from the outbox (it will not be sent). */
  async discard(clientId: string): Promise<void> {
    this.#model.removeOutbox(clientId);
  }

  /** The user has read up to `upTo`: unread drops at once; the relay hears of it when the cursor moved. */
  markRead(conversationId: string, upTo: number): void {
    if (!this.#model.advanceReadCursor(conversationId, upTo)) return;
    if (!this.#connection.send({ type: 'READ', conversationId, upTo })) this.#unsentReads.set(conversationId, upTo);
  }

  /** The user is typing; call it on every keystroke, at most one TYPING per 2 s goes out. */
  typing(conversationId: string): void {
    const now = this.#now();
    if (now - (this.#typingSentAt.get(conversationId) ?? -Infinity) < LIMITS.typingIntervalMs) return;
    if (this.#connection.send({ type: 'TYPING', conversationId })) this.#typingSentAt.set(conversationId, now);
  }

  /** A participant API call with a fresh token; a 401 asks the provider once and tries again. */
  async #api<T>(path: string, schema: ResponseSchema<T>, body?: unknown): Promise<T> {
    const request = { fetch: this.#fetch, url: `${this.#server}${path}`, body };
    try {
      return await callApi({ ...request, token: await this.#tokens.fresh() }, schema);
    } catch (error) {
      if (!(error instanceof ChatClientError && error.status === 401 && this.#tokens.canRenew)) throw error;
      return callApi({ ...request, token: await this.#tokens.renew() }, schema);
    }
  }

  /**
   * "Message Match": the conversation with one's giftee (or santa) in `groupId`, created on
   * first use. Rejects with a `ChatClientError` carrying the relay's `code` and HTTP `status`
   * (e.g. NO_MATCH 409 before the raffle).
   */
  async messageMatch(groupId: string, withRole: 'giftee' | 'santa' = 'giftee'): Promise<Conversation> {
    const { conversation } = await this.#api(`/groups/${encodeURIComponent(groupId)}/conversation`, ConversationResponseSchema, { with: withRole });
    this.#upsertConversation(conversation);
    return this.#model.conversation(conversation.id) ?? conversation;
  }

  /** Fetches the page before the oldest message held; resolves with whether older ones remain. */
  async loadOlder(conversationId: string): Promise<boolean> {
    const lowest = this.#model.lowestSeq(conversationId);
    if (lowest === 1) return false;
    const query = lowest > 1 ? `before=${lowest}&limit=${HISTORY_PAGE}` : `limit=${HISTORY_PAGE}`;
    const page = await this.#api(`/conversations/${encodeURIComponent(conversationId)}/messages?${query}`, HistoryResponseSchema);
    this.#model.addMessages(conversationId, page.messages);
    return page.hasMore;
  }
}
