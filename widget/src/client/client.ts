/**
 * `SantaChatClient`: the widget's headless core, usable without the element. A facade over
 * its parts: `Connection` (the socket, its state machine, heartbeat and token renewal),
 * `Outbox` (sending and its retries), `Sync` (what each relay frame does, catch-up, reads and
 * typing), `ChatModel` (what is known, and the events when it changes), `ParticipantApi` (the
 * HTTP calls, loaded on the first one). Here: the public API, and the one record of the
 * current user and their cache, opened once per user.
 */
import { LIMITS, type ClientFrame, type Conversation, type MemberGroup } from '../../../protocol/browser.js';
import { ChatModel } from './chat-model.js';
import { Connection, socketUrl } from './connection.js';
import { CurrentUser } from './current-user.js';
import { Outbox } from './outbox.js';
import { ParticipantApi } from './participant-api.js';
import { Sync } from './sync.js';
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

/**
 * @fires state, conversations, groups, messages, message, unread, typing, read, reveal, error
 * (CustomEvents; `detail` as in `ClientEventMap`; `on()` subscribes with types).
 */
export class SantaChatClient extends EventTarget {
  readonly #tokens: TokenSource;
  readonly #now: () => number;
  readonly #model: ChatModel;
  /** The one record of the current user, and their cache. */
  readonly #user: CurrentUser;
  readonly #connection: Connection;
  #refusal: { code: string; message: string } | null = null;
  readonly #outbox: Outbox;
  readonly #sync: Sync;
  readonly #api: ParticipantApi;

  constructor(options: SantaChatClientOptions) {
    super();
    const server = options.server.replace(/\/+$/, '');
    const url = socketUrl(server);
    if (options.WebSocket === undefined && typeof WebSocket === 'undefined') {
      throw new Error('santa-chat: this environment has no WebSocket; pass one as `options.WebSocket`');
    }
    const random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#tokens = new TokenSource(options.token || null, options.tokenProvider, this.#now);
    this.#model = new ChatModel((type, detail) => this.#emit(type, detail), () => this.userId);
    this.#user = new CurrentUser(this.#model, server, options.storage ?? 'indexeddb', options.token ? tokenSubject(options.token) : null);
    const send = (frame: ClientFrame): boolean => this.#connection.send(frame);
    this.#outbox = new Outbox(this.#model, send, this.#now, random);
    this.#sync = new Sync({
      model: this.#model,
      outbox: this.#outbox,
      emit: (type, detail) => this.#emit(type, detail),
      send,
      ready: () => this.#connection.ready(),
      setUser: (userId) => this.#user.set(userId),
      now: this.#now,
    });
    this.#connection = new Connection(
      { url, WebSocket: options.WebSocket ?? WebSocket, tokens: this.#tokens, random },
      {
        openCache: (subject) => this.#user.openCache(subject ?? this.userId),
        frame: (frame) => this.#sync.handleFrame(frame),
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
    this.#api = new ParticipantApi(server, options.fetch ?? ((input, init) => fetch(input, init)), this.#tokens);
  }

  get state(): ClientConnectionState {
    return this.#connection.state;
  }

  /** The last refusal the relay named (origin or token), until the next successful connection. */
  get refusal(): { code: string; message: string } | null {
    return this.#connection.state === ClientConnectionState.CONNECTED ? null : this.#refusal;
  }

  get userId(): string | null {
    return this.#user.id;
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
    const erasing = this.#user.erase();
    this.#tokens.current = null;
    this.#sync.clear();
    await erasing;
  }

  /**
   * A new token from the host. On a live socket it is sent as AUTH (the relay renews without
   * dropping the socket); a token of another user switches to that user's cache.
   */
  setToken(token: string): void {
    const subject = tokenSubject(token);
    if (subject !== null && this.#user.cacheOpened && subject !== this.#user.id) {
      const wasWanted = this.#connection.wanted;
      this.#connection.stop(DisconnectReason.CLIENT);
      this.#user.set(subject);
      this.#sync.forgetUser();
      this.#tokens.current = token;
      if (wasWanted) void this.connect();
      return;
    }
    this.#tokens.current = token;
    if (subject !== null) this.#user.set(subject);
    this.#connection.tokenChanged(token);
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
    this.#sync.markRead(conversationId, upTo);
  }

  /** The user is typing; call it on every keystroke, at most one TYPING per 2 s goes out. */
  typing(conversationId: string): void {
    this.#sync.typing(conversationId);
  }

  /**
   * "Message Match": the conversation with one's giftee (or santa) in `groupId`, created on
   * first use. Rejects with a `ChatClientError` carrying the relay's `code` and HTTP `status`
   * (e.g. NO_MATCH 409 before the raffle).
   */
  async messageMatch(groupId: string, withRole: 'giftee' | 'santa' = 'giftee'): Promise<Conversation> {
    const conversation = await this.#api.conversationWith(groupId, withRole);
    this.#sync.upsertConversation(conversation);
    return this.#model.conversation(conversation.id) ?? conversation;
  }

  /** Fetches the page before the oldest message held; resolves with whether older ones remain. */
  async loadOlder(conversationId: string): Promise<boolean> {
    const lowest = this.#model.lowestSeq(conversationId);
    if (lowest === 1) return false;
    const page = await this.#api.olderMessages(conversationId, lowest);
    this.#model.addMessages(conversationId, page.messages);
    return page.hasMore;
  }
}
