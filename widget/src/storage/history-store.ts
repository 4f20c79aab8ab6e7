/**
 * The widget's cache of one user's chat on one relay: conversations, messages and the outbox
 * of unacknowledged sends. History renders from it before the socket connects, and the
 * outbox survives page reloads. IndexedDB when the browser allows it, memory otherwise
 * (`openHistoryStore`, open-history-store.ts).
 */
import type { Conversation } from '../../../protocol/browser.js';
import type { OutboxEntry, StoredMessage } from './records.js';

/** Messages kept per conversation; older ones are fetched again with `loadOlder()`. */
export const MAX_CACHED_PER_CONVERSATION = 500;

export interface HistoryStore {
  loadConversations(): Promise<Conversation[]>;
  /** Replaces the whole list. */
  saveConversations(list: Conversation[]): Promise<void>;
  /** Ordered by `seq`. */
  loadMessages(conversationId: string): Promise<StoredMessage[]>;
  /** Merges by id and keeps at most `MAX_CACHED_PER_CONVERSATION`, the newest. */
  putMessages(conversationId: string, messages: StoredMessage[]): Promise<void>;
  /** Drops a closed conversation's messages and outbox entries (its list entry goes with `saveConversations`). */
  deleteConversation(conversationId: string): Promise<void>;
  /** Ordered by `createdAt`. */
  outbox(): Promise<OutboxEntry[]>;
  putOutbox(entry: OutboxEntry): Promise<void>;
  deleteOutbox(clientId: string): Promise<void>;
  /** At the reveal: messages sent as `alias` become `realId`'s. */
  relabel(conversationId: string, alias: string, realId: string): Promise<void>;
  /** Deletes everything of this user on this server. */
  destroy(): Promise<void>;
  close(): void;
}
