/** `HistoryStore` on IndexedDB through `idb`. */
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Conversation } from '../../../protocol/browser.js';
import type { OutboxEntry, StoredMessage } from '../client/types.js';
import { MAX_CACHED_PER_CONVERSATION } from './cache-limit.js';
import type { HistoryStore } from './history-store.js';

interface ChatDatabase extends DBSchema {
  conversations: { key: string; value: Conversation };
  messages: { key: string; value: StoredMessage; indexes: { byConversationSeq: [string, number] } };
  outbox: { key: string; value: OutboxEntry };
}

const VERSION = 1;

/** Every message of one conversation, in `seq` order, through the compound index. */
function conversationRange(conversationId: string): IDBKeyRange {
  return IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity]);
}

class IndexedDbHistoryStore implements HistoryStore {
  readonly #database: IDBPDatabase<ChatDatabase>;
  readonly #name: string;

  constructor(database: IDBPDatabase<ChatDatabase>, name: string) {
    this.#database = database;
    this.#name = name;
  }

  loadConversations(): Promise<Conversation[]> {
    return this.#database.getAll('conversations');
  }

  async saveConversations(list: Conversation[]): Promise<void> {
    const transaction = this.#database.transaction('conversations', 'readwrite');
    await transaction.store.clear();
    await Promise.all(list.map((conversation) => transaction.store.put(conversation)));
    await transaction.done;
  }

  loadMessages(conversationId: string): Promise<StoredMessage[]> {
    return this.#database.getAllFromIndex('messages', 'byConversationSeq', conversationRange(conversationId));
  }

  async putMessages(conversationId: string, messages: StoredMessage[]): Promise<void> {
    const transaction = this.#database.transaction('messages', 'readwrite');
    const index = transaction.store.index('byConversationSeq');
    for (const message of messages) {
      const known = await transaction.store.get(message.id);
      // A message seen again keeps the clientId it was sent with, as mergeMessages does.
      await transaction.store.put(known?.clientId !== undefined && message.clientId === undefined ? { ...message, clientId: known.clientId } : message);
    }
    let excess = (await index.count(conversationRange(conversationId))) - MAX_CACHED_PER_CONVERSATION;
    let cursor = excess > 0 ? await index.openCursor(conversationRange(conversationId)) : null;
    while (cursor && excess > 0) {
      await cursor.delete();
      excess--;
      cursor = await cursor.continue();
    }
    await transaction.done;
  }

  async deleteConversation(conversationId: string): Promise<void> {
    const transaction = this.#database.transaction(['messages', 'outbox'], 'readwrite');
    const messages = transaction.objectStore('messages');
    for (const key of await messages.index('byConversationSeq').getAllKeys(conversationRange(conversationId))) {
      await messages.delete(key);
    }
    const outbox = transaction.objectStore('outbox');
    for (const entry of await outbox.getAll()) {
      if (entry.conversationId === conversationId) await outbox.delete(entry.clientId);
    }
    await transaction.done;
  }

  async outbox(): Promise<OutboxEntry[]> {
    const entries = await this.#database.getAll('outbox');
    return entries.sort((a, b) => a.createdAt - b.createdAt);
  }

  async putOutbox(entry: OutboxEntry): Promise<void> {
    await this.#database.put('outbox', entry);
  }

  deleteOutbox(clientId: string): Promise<void> {
    return this.#database.delete('outbox', clientId);
  }

  async relabel(conversationId: string, alias: string, realId: string): Promise<void> {
    const transaction = this.#database.transaction('messages', 'readwrite');
    let cursor = await transaction.store.index('byConversationSeq').openCursor(conversationRange(conversationId));
    while (cursor) {
      if (cursor.value.senderId === alias) await cursor.update({ ...cursor.value, senderId: realId });
      cursor = await cursor.continue();
    }
    await transaction.done;
  }

  async destroy(): Promise<void> {
    this.#database.close();
    await deleteDB(this.#name);
  }

  close(): void {
    this.#database.close();
  }
}

/**
 * Opens (creating on first use) the database `name`; rejects when IndexedDB refuses or does
 * not answer within `timeoutMs`, so the caller can fall back to memory.
 */
export function openIndexedDbStore(name: string, timeoutMs: number): Promise<HistoryStore> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new Error(`IndexedDB did not open within ${timeoutMs} ms`));
    }, timeoutMs);
    const opening = openDB<ChatDatabase>(name, VERSION, {
      upgrade(database) {
        database.createObjectStore('conversations', { keyPath: 'id' });
        database.createObjectStore('messages', { keyPath: 'id' }).createIndex('byConversationSeq', ['conversationId', 'seq']);
        database.createObjectStore('outbox', { keyPath: 'clientId' });
      },
      // Another tab wants to delete or upgrade this database (logout there): let it.
      blocking() {
        void opening.then((database) => database.close());
      },
    });
    opening.then(
      (database) => {
        clearTimeout(timer);
        if (settled) database.close();
        else resolve(new IndexedDbHistoryStore(database, name));
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!settled) reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
