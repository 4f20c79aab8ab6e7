/**
 * Opens the history store of one user on one relay: IndexedDB when the browser allows it,
 * memory when it refuses or does not answer.
 */
import type { HistoryStore } from './history-store.js';
import { openIndexedDbStore } from './indexeddb-store.js';
import { MemoryHistoryStore } from './memory-store.js';

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
