/**
 * The headless client's public shapes. `SantaChatClient` (client.ts) implements them; the
 * `<santa-chat>` element and host pages that skip the element code against these.
 */
import type { Conversation, ErrorCode, MemberGroup, Message, Peer } from '../../../protocol/browser.js';
import type { HistoryStore } from '../storage/history-store.js';
import type { OutgoingState } from '../storage/records.js';

/** Where the headless client's one socket stands (the relay's sockets have states of their own). */
export const ClientConnectionState = {
  DISCONNECTED: 'disconnected',
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
} as const;
export type ClientConnectionState = (typeof ClientConnectionState)[keyof typeof ClientConnectionState];

/** Why the client is disconnected, grouped by what follows (as centrifuge-js does). */
export const DisconnectReason = {
  /** Network trouble or a relay restart: the client reconnects by itself with backoff. */
  TRANSPORT: 'transport',
  /** The browser says it is offline: the client waits for `online`. */
  OFFLINE: 'offline',
  /** The token was refused or expired and no `tokenProvider` could renew it: stops. */
  UNAUTHORIZED: 'unauthorized',
  /** The relay refuses this page's origin (close 4003; its `SANTA_CHAT_ALLOWED_ORIGINS`): stops. */
  ORIGIN_NOT_ALLOWED: 'origin-not-allowed',
  /** `disconnect()` or `logout()` was called: stops. */
  CLIENT: 'client',
  /**
   * The relay closed this socket as the user's oldest over the per-user socket limit (4409):
   * stops, because reconnecting would push out another tab's socket in turn. `connect()`
   * starts again.
   */
  REPLACED: 'replaced',
} as const;
export type DisconnectReason = (typeof DisconnectReason)[keyof typeof DisconnectReason];

/** A message as the UI shows it: stored (with `seq`) or still in the outbox. */
export type ChatMessage =
  | (Message & { status: 'sent'; clientId?: string })
  | {
      status: OutgoingState;
      clientId: string;
      conversationId: string;
      senderId: string;
      content: string;
      /** Client clock, ISO 8601, when the user pressed Send. */
      timestamp: string;
      /** Why a `failed` message was refused. */
      error?: { code: ErrorCode | 'OFFLINE'; message: string };
    };

/** A message still in the outbox, as `send()` returns it. */
export type OutgoingMessage = Extract<ChatMessage, { status: OutgoingState }>;

export interface UnreadCounts {
  total: number;
  byConversation: Record<string, number>;
}

/** Event map of `SantaChatClient` (an EventTarget; `detail` of each CustomEvent). */
export interface ClientEventMap {
  /** Connection state changed. */
  state: { state: ClientConnectionState; previous: ClientConnectionState; reason?: DisconnectReason };
  /** The conversation list or any conversation's fields changed. */
  conversations: { conversations: Conversation[] };
  /** READY told the user's groups and roles (null: the relay does not say). */
  groups: { groups: MemberGroup[] | null };
  /** A conversation's message list (stored or outgoing) changed. */
  messages: { conversationId: string };
  /** A message from the other side arrived (not for one's own, not for catch-up of old ones). */
  message: { conversationId: string; message: Message };
  unread: UnreadCounts;
  /** The other side is typing (cleared by the UI after a few seconds or on their message). */
  typing: { conversationId: string; senderId: string };
  /** The other side read up to `upTo` (read receipts; one's own reads show in `unread`). */
  read: { conversationId: string; readerId: string; upTo: number };
  reveal: { conversationId: string; alias: string; peer: Peer; participants: string[] };
  error: { code: string; message: string; conversationId?: string; clientId?: string };
  /** The relay stored this user's report of a message (`REPORTED`; a repeat is answered the same). */
  reported: { conversationId: string; messageId: string };
}

/** What `new SantaChatClient(options)` takes. */
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
