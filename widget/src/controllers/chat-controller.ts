/**
 * Binds a `SantaChatClient` to the element: creates it when `server` and a token (or a
 * `tokenProvider`) are known, re-renders the host on every client event, re-emits them as
 * the element's `santa-chat-*` events, and disconnects when the element leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SantaChatClient } from '../client/client.js';
import type { Message } from '../../../protocol/browser.js';
import { ClientConnectionState, DisconnectReason, type UnreadCounts } from '../client/types.js';
import { emit } from '../events.js';

export interface ChatHost extends ReactiveControllerHost, HTMLElement {
  server: string;
  token: string;
  tokenProvider: (() => Promise<string>) | undefined;
}

/**
 * What the element shows (its `group-id`), so events about other conversations are not its
 * own, and what it does beyond re-rendering when the other side types or writes.
 */
export interface ChatScope {
  /** The unread counts the element reports (its `unread` property). */
  unread(): UnreadCounts;
  /** Whether the element shows this conversation. */
  shows(conversationId: string): boolean;
  /** The other side is typing. */
  typing(conversationId: string): void;
  /** A message from the other side arrived. */
  message(conversationId: string, message: Message): void;
}

export class ChatController implements ReactiveController {
  readonly #host: ChatHost;
  client: SantaChatClient | null = null;
  #server = '';
  #unsubscribes: Array<() => void> = [];
  /** True once this client has been connected at least once (to tell "reconnecting"). */
  everConnected = false;
  lastReason: DisconnectReason | undefined;

  readonly #scope: ChatScope;
  /** The counts last reported as `santa-chat-unread`, so a change elsewhere reports nothing. */
  #reportedUnread = '';

  constructor(host: ChatHost, scope: ChatScope) {
    this.#host = host;
    this.#scope = scope;
    host.addController(this);
  }

  /** Emits `santa-chat-unread` with the element's counts when they changed since the last one. */
  reportUnread(): void {
    const counts = this.#scope.unread();
    const key = JSON.stringify(counts);
    if (key === this.#reportedUnread) return;
    this.#reportedUnread = key;
    emit(this.#host, 'santa-chat-unread', counts);
  }

  get state(): ClientConnectionState {
    return this.client?.state ?? ClientConnectionState.DISCONNECTED;
  }

  get unread(): UnreadCounts {
    return this.client?.unread ?? { total: 0, byConversation: {} };
  }

  hostConnected(): void {
    this.sync();
  }

  hostUpdated(): void {
    this.sync();
  }

  hostDisconnected(): void {
    this.#teardown();
  }

  /** Creates, re-points or renews the client to match the host's current properties. */
  sync(): void {
    const { server, token, tokenProvider } = this.#host;
    const hasCredentials = token !== '' || tokenProvider !== undefined;
    if (!server || !hasCredentials || !this.#host.isConnected) {
      if (this.client && (!server || !hasCredentials)) this.#teardown();
      return;
    }
    if (this.client && this.#server !== server) this.#teardown();
    if (!this.client) {
      this.#create(server, token, tokenProvider);
      return;
    }
    if (token !== '' && token !== this.#currentToken) {
      this.#currentToken = token;
      this.client.setToken(token);
    }
  }

  #currentToken = '';

  #create(server: string, token: string, tokenProvider: (() => Promise<string>) | undefined): void {
    const client = new SantaChatClient({
      server,
      ...(token !== '' ? { token } : {}),
      // Read the property at call time, so a provider set later is used.
      ...(tokenProvider !== undefined ? { tokenProvider: () => (this.#host.tokenProvider ?? tokenProvider)() } : {}),
    });
    this.client = client;
    this.#server = server;
    this.#currentToken = token;
    this.everConnected = false;
    const host = this.#host;
    const rerender = (): void => host.requestUpdate();
    const reportUnread = (): void => {
      this.reportUnread();
      rerender();
    };
    this.#unsubscribes = [
      client.on('state', (detail) => {
        if (detail.state === ClientConnectionState.CONNECTED) this.everConnected = true;
        this.lastReason = detail.reason;
        emit(host, 'santa-chat-connection', detail.reason ? { state: detail.state, reason: detail.reason } : { state: detail.state });
        if (detail.state === ClientConnectionState.DISCONNECTED && detail.reason === DisconnectReason.UNAUTHORIZED) {
          // The chat stopped for its token: the host has to mint a new one.
          emit(host, 'santa-chat-error', { code: 'UNAUTHENTICATED', message: 'The token was refused or has expired; set a new one.' });
        }
        rerender();
      }),
      // A conversation of the element's group may have appeared or gone.
      client.on('conversations', reportUnread),
      client.on('messages', rerender),
      client.on('unread', reportUnread),
      client.on('message', (detail) => {
        if (this.#scope.shows(detail.conversationId)) emit(host, 'santa-chat-message', detail);
        this.#scope.message(detail.conversationId, detail.message);
        rerender();
      }),
      client.on('typing', (detail) => {
        this.#scope.typing(detail.conversationId);
        rerender();
      }),
      client.on('reveal', (detail) => {
        if (this.#scope.shows(detail.conversationId)) emit(host, 'santa-chat-reveal', { conversationId: detail.conversationId, peer: detail.peer });
        rerender();
      }),
      client.on('error', (detail) => {
        emit(host, 'santa-chat-error', detail);
        rerender();
      }),
    ];
    client.connect().catch((error: unknown) => {
      emit(host, 'santa-chat-error', { code: 'CONNECT_FAILED', message: error instanceof Error ? error.message : String(error) });
    });
  }

  /** Stops listening to the client and lets go of it; returns it. */
  #detach(): SantaChatClient | null {
    const client = this.client;
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes = [];
    this.client = null;
    this.#server = '';
    return client;
  }

  #teardown(): void {
    this.#detach()?.disconnect();
  }

  /** `logout()`: closes the socket and erases this user's cache and outbox. */
  async logout(): Promise<void> {
    const wasDisconnected = this.state === ClientConnectionState.DISCONNECTED;
    const client = this.#detach();
    await client?.logout();
    // The client's own events were unsubscribed above; the host still hears the outcome.
    if (client && !wasDisconnected) {
      this.lastReason = DisconnectReason.CLIENT;
      emit(this.#host, 'santa-chat-connection', { state: ClientConnectionState.DISCONNECTED, reason: DisconnectReason.CLIENT });
    }
    this.reportUnread();
    this.#host.requestUpdate();
  }
}
