/**
 * Binds a `SantaChatClient` to the element, in one direction: it creates the client when
 * `server` and a token (or a `tokenProvider`) are known, re-renders the host on every client
 * event, re-emits them as the element's `santa-chat-*` events for what the element shows (its
 * `group-id`), and disconnects when the element leaves the page. The element reads and acts
 * on the chat only through it; it talks back only through `requestUpdate` and events. What
 * only the open panel reads or does (messages, sending, retries, reports, older messages, the
 * groups, why it is disconnected) the panel asks of `client` itself, in the panel's chunk
 * (docs/decisions/0016-lazy-panel.md).
 */
import type { ReactiveController, ReactiveControllerHost } from '../base/reactive-base.js';
import type { Conversation } from '../../../protocol/browser.js';
import { SantaChatClient } from '../client/client.js';
import { ClientConnectionState, DisconnectReason, type ChatMessage, type UnreadCounts } from '../client/types.js';
import { emit } from '../events/events.js';

/** How long "typing…" shows after the other side's last TYPING. */
const TYPING_SHOWN_MS = 4000;

export interface ChatHost extends ReactiveControllerHost, HTMLElement {
  server: string;
  token: string;
  tokenProvider: (() => Promise<string>) | undefined;
  /** Shows only this group's conversations (all when empty). */
  groupId: string;
}

export class ChatController implements ReactiveController {
  readonly #host: ChatHost;
  client: SantaChatClient | null = null;
  #server = '';
  #currentToken = '';
  #unsubscribes: Array<() => void> = [];
  /** True once this client has been connected at least once (to tell "reconnecting"). */
  everConnected = false;
  /** The counts last reported as `santa-chat-unread`, so a change elsewhere reports nothing. */
  #reportedUnread = '';
  /** The group the counts were last reported for (undefined before the first update). */
  #reportedGroupId: string | undefined;
  readonly #typingUntil = new Map<string, number>();
  /** Messages this user reported (as the relay confirmed): they show "Reported". */
  readonly reported = new Set<string>();
  #typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ChatHost) {
    this.#host = host;
    host.addController(this);
  }

  get state(): ClientConnectionState {
    return this.client?.state ?? ClientConnectionState.DISCONNECTED;
  }

  /** The conversations the element shows: all, or those of its group. */
  get conversations(): Conversation[] {
    const all = this.client?.conversations ?? [];
    const { groupId } = this.#host;
    return groupId ? all.filter((conversation) => conversation.groupId === groupId) : all;
  }

  /** Unread counts of the conversations the element shows. */
  get unread(): UnreadCounts {
    const counts = this.client?.unread ?? { total: 0, byConversation: {} };
    if (!this.#host.groupId) return counts;
    const byConversation: Record<string, number> = {};
    let total = 0;
    for (const conversation of this.conversations) {
      const count = counts.byConversation[conversation.id] ?? 0;
      byConversation[conversation.id] = count;
      total += count;
    }
    return { total, byConversation };
  }

  conversation(conversationId: string | null): Conversation | undefined {
    return this.client?.conversations.find((conversation) => conversation.id === conversationId);
  }

  /** Whether the other side typed in this conversation within the last few seconds. */
  isTyping(conversationId: string): boolean {
    return (this.#typingUntil.get(conversationId) ?? 0) > Date.now();
  }

  /** Marks the newest message read (the reader sees it), when anything there is unread. */
  markNewestRead(conversationId: string): void {
    const client = this.client;
    if (!client || (client.unread.byConversation[conversationId] ?? 0) === 0) return;
    const newest = newestSeq(client.messages(conversationId));
    if (newest > 0) client.markRead(conversationId, newest);
  }

  /** As `SantaChatClient.messageMatch`; undefined when there is no client. */
  messageMatch(groupId: string, withRole: 'giftee' | 'santa'): Promise<Conversation> | undefined {
    return this.client?.messageMatch(groupId, withRole);
  }

  /** Emits `santa-chat-unread` with the element's counts when they changed since the last one. */
  #reportUnread(): void {
    const counts = this.unread;
    const key = JSON.stringify(counts);
    if (key === this.#reportedUnread) return;
    this.#reportedUnread = key;
    emit(this.#host, 'santa-chat-unread', counts);
  }

  hostConnected(): void {
    this.#sync();
  }

  hostUpdated(): void {
    this.#sync();
    // Another group: the counts the element reports changed (not on the first update).
    const { groupId } = this.#host;
    if (this.#reportedGroupId !== undefined && groupId !== this.#reportedGroupId) this.#reportUnread();
    this.#reportedGroupId = groupId;
  }

  hostDisconnected(): void {
    clearTimeout(this.#typingTimer);
    this.#teardown();
  }

  /** Creates, re-points or renews the client to match the host's current properties. */
  #sync(): void {
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
    this.#unsubscribes = this.#listen(client);
    client.connect().catch((error: unknown) => {
      emit(this.#host, 'santa-chat-error', { code: 'CONNECT_FAILED', message: error instanceof Error ? error.message : String(error) });
    });
  }

  /** Re-renders on every client event and re-emits what the element shows as its own events. */
  #listen(client: SantaChatClient): Array<() => void> {
    const host = this.#host;
    const rerender = (): void => host.requestUpdate();
    const reportUnread = (): void => {
      this.#reportUnread();
      rerender();
    };
    const shows = (conversationId: string): boolean => !host.groupId || this.conversations.some((conversation) => conversation.id === conversationId);
    return [
      client.on('state', (detail) => {
        if (detail.state === ClientConnectionState.CONNECTED) this.everConnected = true;
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
      client.on('groups', rerender),
      client.on('reported', (detail) => {
        this.reported.add(detail.messageId);
        rerender();
      }),
      client.on('unread', reportUnread),
      client.on('message', (detail) => {
        this.#typingUntil.delete(detail.conversationId);
        if (shows(detail.conversationId)) emit(host, 'santa-chat-message', detail);
        rerender();
      }),
      client.on('typing', (detail) => {
        this.#typingUntil.set(detail.conversationId, Date.now() + TYPING_SHOWN_MS);
        clearTimeout(this.#typingTimer);
        this.#typingTimer = setTimeout(rerender, TYPING_SHOWN_MS + 50);
        rerender();
      }),
      client.on('reveal', (detail) => {
        if (shows(detail.conversationId)) emit(host, 'santa-chat-reveal', { conversationId: detail.conversationId, peer: detail.peer });
        rerender();
      }),
      client.on('error', (detail) => {
        emit(host, 'santa-chat-error', detail);
        rerender();
      }),
    ];
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
      emit(this.#host, 'santa-chat-connection', { state: ClientConnectionState.DISCONNECTED, reason: DisconnectReason.CLIENT });
    }
    this.#reportUnread();
    this.#host.requestUpdate();
  }
}

function newestSeq(messages: readonly ChatMessage[]): number {
  let newest = 0;
  for (const message of messages) if (message.status === 'sent' && message.seq > newest) newest = message.seq;
  return newest;
}

