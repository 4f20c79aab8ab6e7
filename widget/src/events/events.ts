/**
 * The element's events: prefixed `santa-chat-`, bubbling and composed so host pages can
 * listen on any ancestor, typed in one place.
 */
import type { ClientConnectionState, DisconnectReason, UnreadCounts } from '../client/types.js';
import type { Message, Peer } from '../../../protocol/browser.js';

/** `detail` of `santa-chat-message`: a message from the other side arrived. */
export interface SantaChatMessageDetail {
  conversationId: string;
  message: Message;
}

/** `detail` of `santa-chat-unread`: the unread counts, as the launcher badge shows them. */
export type SantaChatUnreadDetail = UnreadCounts;

/** `detail` of `santa-chat-connection`: the connection state changed. */
export interface SantaChatConnectionDetail {
  state: ClientConnectionState;
  reason?: DisconnectReason;
}

/** `detail` of `santa-chat-reveal`: a conversation's santa was revealed. */
export interface SantaChatRevealDetail {
  conversationId: string;
  peer: Peer;
}

/** `detail` of `santa-chat-error`: something failed that the host may want to know about. */
export interface SantaChatErrorDetail {
  code: string;
  message: string;
  conversationId?: string;
}

export interface SantaChatEventMap {
  /** A message from the other side arrived. */
  'santa-chat-message': SantaChatMessageDetail;
  /** Unread counts changed. */
  'santa-chat-unread': SantaChatUnreadDetail;
  /** The connection state changed. */
  'santa-chat-connection': SantaChatConnectionDetail;
  /** A conversation's santa was revealed. */
  'santa-chat-reveal': SantaChatRevealDetail;
  /** Something failed that the host may want to know about (a refused token, a failed call). */
  'santa-chat-error': SantaChatErrorDetail;
}

declare global {
  interface HTMLElementEventMap {
    'santa-chat-message': CustomEvent<SantaChatEventMap['santa-chat-message']>;
    'santa-chat-unread': CustomEvent<SantaChatEventMap['santa-chat-unread']>;
    'santa-chat-connection': CustomEvent<SantaChatEventMap['santa-chat-connection']>;
    'santa-chat-reveal': CustomEvent<SantaChatEventMap['santa-chat-reveal']>;
    'santa-chat-error': CustomEvent<SantaChatEventMap['santa-chat-error']>;
  }
}

export function emit<K extends keyof SantaChatEventMap>(target: HTMLElement, type: K, detail: SantaChatEventMap[K]): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/** Reports a failed call (a `ChatClientError`, or anything thrown) as `santa-chat-error`. */
export function emitError(target: HTMLElement, error: unknown, conversationId?: string): void {
  const { code = 'INTERNAL', message = String(error) } = error as { code?: string; message?: string };
  emit(target, 'santa-chat-error', conversationId === undefined ? { code, message } : { code, message, conversationId });
}
