/**
 * `SantaChatClient`: the widget's headless core, usable without the element. One socket at a
 * time to the relay's `/ws`, a small state machine (disconnected, connecting, connected) with
 * one `#setState`, AUTH first on every open, SYNC catch-up after every READY, and an outbox
 * that re-sends unacknowledged messages with their `clientId` until ACK or refusal.
 *
 * Reconnects are a loop of our own (about 40 lines) rather than reconnecting-websocket 4.4:
 * its delay is min * factor^n with no per-attempt randomness, so it cannot do full jitter;
 * frames sent while closed are queued and flushed on open before any listener could send
 * AUTH; it reconnects by itself after closes that must stop (4401 without a provider, 4409);
 * and one socket wrapper hides which socket an event came from, which the transport counter
 * needs. Close codes: 4401/4403 renew the token through `tokenProvider` (or stop as
 * `unauthorized`), 4409 stops as `replaced` (coming back would close another tab's socket in
 * turn), everything else (1001, 1006, 1008, 1009) retries with backoff.
 */
import {
  checkContent,
  CloseCode,
  ConversationResponseSchema,
  HistoryResponseSchema,
  LIMITS,
  type ClientFrame,
  type Conversation,
  type ErrorFrame,
  type ServerFrame,
} from '../../../protocol/browser.js';
import type { HistoryStore } from '../storage/history-store.js';
import { MemoryHistoryStore } from '../storage/memory-store.js';
import { openHistoryStore } from '../storage/open-history-store.js';
import type { OutboxEntry, StoredMessage } from '../storage/records.js';
import { backoffDelay } from './backoff.js';
import { ChatModel } from './chat-model.js';
import { ChatClientError } from './errors.js';
import { callApi, type ResponseSchema } from './http-api.js';
import { tokenSubject } from './token.js';
import { TokenSource } from './token-source.js';
import { Transport } from './transport.js';
import {
  ClientConnectionState,
  DisconnectReason,
  type ChatMessage,
  type ClientEventMap,
  type OutgoingMessage,
  type UnreadCounts,
} from './types.js';

export interface SantaChatClientOptions {
  /** The relay's http(s) origin; the socket goes to the same host with ws(s) at `/ws`. */
  server: string;
  token?: string;
  /** Called for a token when there is none, when it expires within a minute, and after 4401/4403. */
  tokenProvider?: () => Promise<string>;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  /** `indexeddb` (default; memory when the browser refuses it), `memory`, or a store of one's own. */
  storage?: 'indexeddb' | 'memory' | HistoryStore;
  now?: () => number;
  /** Source of the backoff jitter (tests pin it). */
  random?: () => number;
}

/** Application-level heartbeat: a PING this often while connected... */
const PING_INTERVAL_MS = 25_000;
/** ...and a socket that then stays silent this long is dead (a half-open TCP connection). */
const PONG_TIMEOUT_MS = 10_000;
/** From creating a socket to READY; covers a connect that hangs on a black-holed network. */
const READY_TIMEOUT_MS = 15_000;
const HISTORY_PAGE = LIMITS.historyPageDefault;

/** Refusals of a send that will not change by sending again: the message is marked failed. */
const FINAL_REFUSALS: ReadonlySet<string> = new Set(['EMPTY', 'TOO_LONG', 'BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND']);

/** A frame's fields without its `type`, as the events carry them. */
function withoutType<T extends { type: string }>({ type: _type, ...fields }: T): Omit<T, 'type'> {
  return fields;
}

function socketUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/**
 * A UUID for `clientId`. `crypto.randomUUID` exists only in secure contexts; a host page
 * served over plain http still has `getRandomValues`, so the same v4 UUID is built from it.
 */
function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return hex.replace(/(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}

/**
 * @fires state, conversations, messages, message, unread, typing, read, reveal, error
 * (CustomEvents; `detail` as in `ClientEventMap`; `on()` subscribes with types).
 */
export class SantaChatClient extends EventTarget {
  readonly #server: string;
  readonly #socketUrl: string;
  readonly #WebSocket: typeof WebSocket;
  readonly #fetch: typeof fetch;
  readonly #storage: 'indexeddb' | 'memory' | HistoryStore;
  readonly #tokens: TokenSource;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #model: ChatModel;

  #state: ClientConnectionState = ClientConnectionState.DISCONNECTED;
  #lastDisconnectReason: DisconnectReason | null = null;
  /** The user connect() was asked for; stays set while stopped, cleared by logout. */
  #userId: string | null;
  /** The cache being or been loaded, and for whom: opened once per user, however many attempts race. */
  #cache: { userId: string; loaded: Promise<void> } | null = null;

  /** connect() was called and no stop since (offline is a pause, not a stop). */
  #running = false;
  #starting: Promise<void> | null = null;
  /** Stopped for lack of a valid token: a `setToken` resumes. */
  #resumeOnToken = false;
  #transport: Transport | null = null;
  /** Bumped for every socket and every stop: callbacks carrying an older number are ignored. */
  #transportId = 0;
  #authenticatedTransportId = -1;
  #readyTransportId = -1;
  #attempts = 0;

  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #readyTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #resendTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /**
   * Sends the relay refused with INTERNAL (its database away, say) on this socket: the oldest
   * goes again alone after a backoff delay, and all of them at the first ACK.
   */
  readonly #refusedSends = new Set<string>();
  #refusedRetryTimer: ReturnType<typeof setTimeout> | undefined;
  #refusedRetries = 0;
  readonly #typingSentAt = new Map<string, number>();
  /** Read cursors moved while no socket could carry the READ; sent after the next READY. */
  readonly #unsentReads = new Map<string, number>();

  constructor(options: SantaChatClientOptions) {
    super();
    this.#server = options.server.replace(/\/+$/, '');
    this.#socketUrl = socketUrl(this.#server);
    if (options.WebSocket === undefined && typeof WebSocket === 'undefined') {
      throw new Error('santa-chat: this environment has no WebSocket; pass one as `options.WebSocket`');
    }
    this.#WebSocket = options.WebSocket ?? WebSocket;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#storage = options.storage ?? 'indexeddb';
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#tokens = new TokenSource(options.token || null, options.tokenProvider, this.#now);
    this.#userId = options.token ? tokenSubject(options.token) : null;
    this.#model = new ChatModel((type, detail) => this.#emit(type, detail));
  }

  get state(): ClientConnectionState {
    return this.#state;
  }

  get userId(): string | null {
    return this.#userId;
  }

  /** Most recent activity first. A new array whenever anything in it changes. */
  get conversations(): Conversation[] {
    return this.#model.conversations;
  }

  get unread(): UnreadCounts {
    return this.#model.unread;
  }

  get lastDisconnectReason(): DisconnectReason | null {
    return this.#lastDisconnectReason;
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

  #setState(state: ClientConnectionState, reason?: DisconnectReason): void {
    const previous = this.#state;
    const reasonChanged = reason !== undefined && reason !== this.#lastDisconnectReason;
    if (reason !== undefined) this.#lastDisconnectReason = reason;
    if (state === previous && !reasonChanged) return;
    this.#state = state;
    this.#emit('state', reason === undefined ? { state, previous } : { state, previous, reason });
  }

  // Connection lifecycle.

  /**
   * Loads the cache (conversations, messages, outbox: the UI can render at once), then opens
   * the socket. Resolves when the first socket is on its way; READY is the `state` event.
   * Idempotent while running.
   */
  connect(): Promise<void> {
    if (this.#running) return this.#starting ?? Promise.resolve();
    this.#running = true;
    this.#resumeOnToken = false;
    this.#attempts = 0;
    this.#setState(ClientConnectionState.CONNECTING);
    this.#listenToNetwork(true);
    this.#starting = this.#attempt().finally(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  /** Closes the socket and stays disconnected (reason `client`) until `connect()`. */
  disconnect(): void {
    this.#stop(DisconnectReason.CLIENT);
  }

  /** Disconnects, erases this user's cache and outbox, and forgets them. */
  async logout(): Promise<void> {
    this.#stop(DisconnectReason.CLIENT);
    // The user's cache is erased even when this client never loaded it (logout before
    // connect); a load still running finishes first, or it would hand the model its store
    // after the erase.
    const loading = this.#userId === null ? undefined : this.#openCacheFor(this.#userId);
    this.#cache = null;
    this.#userId = null;
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
    if (subject !== null && this.#cache !== null && subject !== this.#cache.userId) {
      const wasRunning = this.#running || this.#resumeOnToken;
      this.#stop(DisconnectReason.CLIENT);
      this.#forgetCache();
      this.#unsentReads.clear();
      this.#tokens.current = token;
      this.#userId = subject;
      if (wasRunning) void this.connect();
      return;
    }
    this.#tokens.current = token;
    if (subject !== null) this.#userId = subject;
    if (this.#resumeOnToken) {
      void this.connect();
      return;
    }
    if (this.#authenticatedTransportId === this.#transportId && this.#transport?.send({ type: 'AUTH', token })) this.#scheduleRenewal();
  }

  /** One connection attempt: a usable token, the user's cache, then the socket. Never rejects. */
  async #attempt(): Promise<void> {
    const id = ++this.#transportId;
    // The user named by the token at hand: history shows before any network call.
    await this.#openCacheFor(this.#userId);
    if (id !== this.#transportId) return;
    let token: string;
    try {
      token = await this.#tokens.fresh();
    } catch (error) {
      if (id !== this.#transportId) return;
      if (error instanceof ChatClientError && error.code === 'UNAUTHENTICATED') this.#stop(DisconnectReason.UNAUTHORIZED);
      else this.#retryLater();
      return;
    }
    if (id !== this.#transportId) return;
    await this.#openCacheFor(tokenSubject(token) ?? this.#userId);
    if (id !== this.#transportId) return;
    if (globalThis.navigator?.onLine === false) {
      this.#goOffline();
      return;
    }
    this.#transport = new Transport(this.#WebSocket, this.#socketUrl, {
      open: () => {
        if (id === this.#transportId) void this.#authenticate(id);
      },
      frame: (frame) => {
        if (id === this.#transportId) this.#handleFrame(frame);
      },
      close: (code) => {
        if (id === this.#transportId) this.#handleClose(code);
      },
    });
    this.#readyTimer = setTimeout(() => {
      if (id === this.#transportId) this.#retryLater();
    }, READY_TIMEOUT_MS);
  }

  #openCacheFor(userId: string | null): Promise<void> {
    if (userId === null) return Promise.resolve();
    if (this.#cache?.userId === userId) return this.#cache.loaded;
    this.#forgetCache();
    this.#userId = userId;
    const loaded = this.#openStore(userId).then((store) => this.#model.open(store, userId));
    this.#cache = { userId, loaded };
    return loaded;
  }

  /** Forgets the loaded user in memory; their cache stays on disk. */
  #forgetCache(): void {
    if (this.#cache !== null) this.#model.close();
    this.#cache = null;
  }

  #openStore(userId: string): Promise<HistoryStore> {
    if (this.#storage === 'memory') return Promise.resolve(new MemoryHistoryStore());
    if (this.#storage === 'indexeddb') return openHistoryStore(this.#server, userId);
    return Promise.resolve(this.#storage);
  }

  /** AUTH is the first frame on every socket; nothing else goes out before READY. */
  async #authenticate(id: number): Promise<void> {
    let token: string;
    try {
      token = await this.#tokens.fresh();
    } catch {
      if (id === this.#transportId) this.#retryLater();
      return;
    }
    if (id !== this.#transportId) return;
    this.#authenticatedTransportId = id;
    this.#transport?.send({ type: 'AUTH', token });
  }

  #handleClose(code: number): void {
    this.#transport = null;
    if (code === CloseCode.UNAUTHENTICATED || code === CloseCode.TOKEN_EXPIRED) {
      if (!this.#tokens.canRenew) {
        this.#stop(DisconnectReason.UNAUTHORIZED);
        return;
      }
      // The token was refused: the next attempt asks the provider for a new one.
      this.#tokens.current = null;
    }
    if (code === CloseCode.TOO_MANY_SOCKETS) {
      this.#stop(DisconnectReason.REPLACED);
      return;
    }
    // Everything else (network, 1001 relay restart, 1008, 1009, heartbeat) is worth a retry.
    this.#retryLater();
  }

  /** Drops the current socket, if any, and tries again after a backoff delay. */
  #retryLater(): void {
    this.#dropTransport();
    this.#setState(ClientConnectionState.CONNECTING, DisconnectReason.TRANSPORT);
    const delay = backoffDelay(this.#attempts++, this.#random);
    this.#reconnectTimer = setTimeout(() => void this.#attempt(), delay);
  }

  #goOffline(): void {
    this.#dropTransport();
    this.#setState(ClientConnectionState.DISCONNECTED, DisconnectReason.OFFLINE);
  }

  #stop(reason: DisconnectReason): void {
    this.#running = false;
    this.#resumeOnToken = reason === DisconnectReason.UNAUTHORIZED;
    this.#dropTransport();
    this.#tokens.cancelRenewal();
    this.#listenToNetwork(false);
    this.#setState(ClientConnectionState.DISCONNECTED, reason);
  }

  /** Silences and closes the current socket and every timer tied to it. */
  #dropTransport(): void {
    this.#transportId++;
    this.#transport?.close();
    this.#transport = null;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#readyTimer);
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
    for (const timer of this.#resendTimers.values()) clearTimeout(timer);
    this.#resendTimers.clear();
    // The next READY re-sends the whole outbox.
    clearTimeout(this.#refusedRetryTimer);
    this.#refusedRetryTimer = undefined;
    this.#refusedSends.clear();
    this.#refusedRetries = 0;
  }

  readonly #onOnline = (): void => {
    if (!this.#running || this.#state === ClientConnectionState.CONNECTED) return;
    this.#dropTransport();
    this.#attempts = 0;
    this.#setState(ClientConnectionState.CONNECTING);
    void this.#attempt();
  };

  readonly #onOffline = (): void => {
    if (this.#running) this.#goOffline();
  };

  #listenToNetwork(listen: boolean): void {
    if (typeof window === 'undefined') return;
    const method = listen ? 'addEventListener' : 'removeEventListener';
    window[method]('online', this.#onOnline);
    window[method]('offline', this.#onOffline);
  }

  // Frames from the relay.

  #send(frame: ClientFrame): boolean {
    return this.#state === ClientConnectionState.CONNECTED && this.#transport !== null && this.#transport.send(frame);
  }

  #handleFrame(frame: ServerFrame): void {
    // Any frame proves the socket alive.
    clearTimeout(this.#pongTimer);
    switch (frame.type) {
      case 'READY':
        this.#onReady(frame.userId, frame.conversations);
        return;
      case 'ACK': {
        clearTimeout(this.#resendTimers.get(frame.clientId));
        this.#resendTimers.delete(frame.clientId);
        const entry = this.#model.removeOutbox(frame.clientId);
        this.#refusedSends.delete(frame.clientId);
        this.#resendRefused();
        if (!entry) return;
        this.#model.addMessages(frame.conversationId, [{ ...withoutType(frame), senderId: entry.senderId, content: entry.content }]);
        return;
      }
      case 'NEW_MESSAGE': {
        const { type: _type, clientId, ...message } = frame;
        if (clientId !== undefined) this.#model.removeOutbox(clientId);
        const stored: StoredMessage = clientId === undefined ? message : { ...message, clientId };
        const added = this.#model.addMessages(frame.conversationId, [stored]);
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
        if (frame.readerId === this.#model.selfId(frame.conversationId)) {
          this.#model.advanceReadCursor(frame.conversationId, frame.upTo);
        } else {
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
      case 'ERROR':
        this.#onError(frame);
        return;
      // PONG: proved the socket alive, which is all it is for.
    }
  }

  #onReady(userId: string, conversations: Conversation[]): void {
    // A READY after a token renewal on the same socket refreshes the list; catch-up and
    // re-sends already happened on this socket.
    const firstOnSocket = this.#readyTransportId !== this.#transportId;
    this.#readyTransportId = this.#transportId;
    clearTimeout(this.#readyTimer);
    this.#attempts = 0;
    this.#userId = userId;
    this.#model.replaceConversations(conversations);
    // READY counted before the relay heard of these reads.
    for (const conversationId of this.#unsentReads.keys()) this.#model.recountUnread(conversationId);
    this.#setState(ClientConnectionState.CONNECTED);
    this.#scheduleRenewal();
    this.#startHeartbeat();
    if (!firstOnSocket) return;
    for (const conversation of this.#model.conversations) this.#sync(conversation.id);
    for (const entry of this.#model.outboxEntries()) {
      if (entry.status === 'sending') this.#transmit(entry);
    }
    for (const [conversationId, upTo] of this.#unsentReads) {
      if (this.#send({ type: 'READ', conversationId, upTo })) this.#unsentReads.delete(conversationId);
    }
  }

  /** A new token a minute before expiry, sent as AUTH on the live socket so it never drops. */
  #scheduleRenewal(): void {
    this.#tokens.scheduleRenewal((token) => {
      if (this.#running) this.setToken(token);
    });
  }

  #startHeartbeat(): void {
    clearInterval(this.#pingTimer);
    const id = this.#transportId;
    this.#pingTimer = setInterval(() => {
      if (id !== this.#transportId || !this.#send({ type: 'PING' })) return;
      clearTimeout(this.#pongTimer);
      this.#pongTimer = setTimeout(() => {
        if (id === this.#transportId) this.#retryLater();
      }, PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  /** Asks for everything after the last seq held without a gap; HISTORY answers, repeated while hasMore. */
  #sync(conversationId: string): void {
    this.#send({ type: 'SYNC', conversationId, after: this.#model.syncPoint(conversationId) });
  }

  #upsertConversation(conversation: Conversation): void {
    const isNew = this.#model.upsertConversation(conversation);
    if (isNew) this.#sync(conversation.id);
  }

  #onError(frame: ErrorFrame): void {
    const entry = frame.clientId === undefined ? undefined : this.#model.outboxEntry(frame.clientId);
    if (entry === undefined) {
      const { retryAfterMs: _retryAfterMs, ...error } = withoutType(frame);
      this.#emit('error', error);
      return;
    }
    if (frame.code === 'RATE_LIMITED') {
      const id = this.#transportId;
      clearTimeout(this.#resendTimers.get(entry.clientId));
      this.#resendTimers.set(
        entry.clientId,
        setTimeout(() => {
          this.#resendTimers.delete(entry.clientId);
          const current = this.#model.outboxEntry(entry.clientId);
          if (id === this.#transportId && current?.status === 'sending') this.#transmit(current);
        }, frame.retryAfterMs ?? 1_000),
      );
      return;
    }
    if (frame.code === 'INTERNAL') {
      this.#refusedSends.add(entry.clientId);
      this.#retryRefusedLater();
      return;
    }
    // UNAUTHENTICATED says nothing about the message: it stays `sending` and goes out again
    // after the next READY.
    if (FINAL_REFUSALS.has(frame.code)) {
      this.#model.updateOutbox({ ...entry, status: 'failed', error: { code: frame.code, message: frame.message } });
    }
  }

  /**
   * INTERNAL: the relay could not store the message now and keeps the socket. One refused send
   * (the oldest) is tried again after a growing delay, so a relay without its database is not
   * flooded while it cannot store; the first ACK sends the rest.
   */
  #retryRefusedLater(): void {
    if (this.#refusedRetryTimer !== undefined) return;
    const id = this.#transportId;
    this.#refusedRetryTimer = setTimeout(
      () => {
        this.#refusedRetryTimer = undefined;
        if (id !== this.#transportId) return;
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

  // Sending.

  #transmit(entry: OutboxEntry): void {
    this.#send({ type: 'NEW_MESSAGE', conversationId: entry.conversationId, content: entry.content, clientId: entry.clientId });
  }

  /** Stored messages by `seq`, then this conversation's outbox entries; never the same message twice. */
  messages(conversationId: string): ChatMessage[] {
    return this.#model.messages(conversationId);
  }

  /**
   * Sends `content` (normalized by the contract's rule). Rejects with a `ChatClientError` (EMPTY,
   * TOO_LONG, BAD_REQUEST) and keeps nothing when the rule refuses it. Otherwise the message
   * goes out at once while its outbox entry is written, and `send` resolves once the entry is
   * on disk; it is re-sent with the same `clientId` after reconnects and reloads until the
   * relay acknowledges or refuses it (docs/decisions/0009-send-while-the-outbox-writes.md).
   */
  async send(conversationId: string, content: string): Promise<OutgoingMessage> {
    const checked = checkContent(content);
    if (!checked.ok) throw new ChatClientError(checked.code, checked.message);
    // Strictly increasing, so re-sends after a reload keep the order of two sends in one millisecond.
    const createdAt = Math.max(this.#now(), (this.#model.outboxEntries().at(-1)?.createdAt ?? 0) + 1);
    const entry: OutboxEntry = {
      clientId: newClientId(),
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

  /** Sends a failed (or stuck) message again with its `clientId`. */
  async retry(clientId: string): Promise<void> {
    const entry = this.#model.outboxEntry(clientId);
    if (!entry) return;
    const { error: _error, ...rest } = entry;
    const sending: OutboxEntry = { ...rest, status: 'sending' };
    this.#model.updateOutbox(sending);
    this.#transmit(sending);
  }

  /** Drops a message from the outbox (it will not be sent). */
  async discard(clientId: string): Promise<void> {
    this.#model.removeOutbox(clientId);
  }

  /** The user has read up to `upTo`: unread drops at once; the relay hears of it when the cursor moved. */
  markRead(conversationId: string, upTo: number): void {
    if (!this.#model.advanceReadCursor(conversationId, upTo)) return;
    if (!this.#send({ type: 'READ', conversationId, upTo })) this.#unsentReads.set(conversationId, upTo);
  }

  /** The user is typing; call it on every keystroke, at most one TYPING per 2 s goes out. */
  typing(conversationId: string): void {
    const now = this.#now();
    if (now - (this.#typingSentAt.get(conversationId) ?? -Infinity) < LIMITS.typingIntervalMs) return;
    if (this.#send({ type: 'TYPING', conversationId })) this.#typingSentAt.set(conversationId, now);
  }

  // HTTP.

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
