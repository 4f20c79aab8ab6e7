/**
 * The widget's cache of one user's chat on one relay: conversations, messages and the outbox
 * of unacknowledged sends. History renders from it before the socket connects, and the
 * outbox survives page reloads. IndexedDB when the browser allows it, memory otherwise.
 */
import type { Conversation } from '../../../protocol/browser.js';
import type { OutboxEntry, StoredMessage } from '../client/types.js';
import { openIndexedDbStore } from './indexeddb-store.js';
import { MemoryHistoryStore } from './memory-store.js';

export { MAX_CACHED_PER_CONVERSATION } from './cache-limit.js';

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

/** One database per relay and user, so two accounts on one browser never share a cache. */
export function databaseName(server: string, userId: string): string {
  let origin = server;
  try {
    origin = new URL(server).origin;
  } catch {
    // Not a URL: the string itself still names the server.
  }
  return `santa-chat:${encodeURIComponent(origin)}:${encodeURIComponent(userId)}`;
}

// IndexedDB open requests can hang (an older tab blocks the upgrade, some private modes
// never answer); the chat must still start, so it waits this long and then uses memory.
const OPEN_TIMEOUT_MS = 3_000;

export async function openHistoryStore(server: string, userId: string): Promise<HistoryStore> {
  if (typeof indexedDB === 'undefined') return new MemoryHistoryStore();
  try {
    return await openIndexedDbStore(databaseName(server, userId), OPEN_TIMEOUT_MS);
  } catch {
    return new MemoryHistoryStore();
  }
}
