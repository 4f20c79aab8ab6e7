/**
 * The element's events: prefixed `santa-chat-`, bubbling and composed so host pages can
 * listen on any ancestor, typed in one place.
 */
import type { ClientConnectionState, DisconnectReason, UnreadCounts } from './client/types.js';
import type { Message, Peer } from '../../protocol/browser.js';

export interface SantaChatEventMap {
  /** A message from the other side arrived. */
  'santa-chat-message': { conversationId: string; message: Message };
  /** Unread counts changed. */
  'santa-chat-unread': UnreadCounts;
  /** The connection state changed. */
  'santa-chat-connection': { state: ClientConnectionState; reason?: DisconnectReason };
  /** A conversation's santa was revealed. */
  'santa-chat-reveal': { conversationId: string; peer: Peer };
  /** Something failed that the host may want to know about (a refused token, a failed call). */
  'santa-chat-error': { code: string; message: string; conversationId?: string };
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
