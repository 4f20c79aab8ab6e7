/**
 * `HistoryStore` on IndexedDB, through two promise helpers rather than `idb`
 * (docs/decisions/0008-no-idb.md).
 */
import type { Conversation } from '../../../protocol/browser.js';
import { MAX_CACHED_PER_CONVERSATION, type HistoryStore } from './history-store.js';
import type { OutboxEntry, StoredMessage } from './records.js';

type StoreName = 'conversations' | 'messages' | 'outbox';

const VERSION = 1;
/** Messages by `[conversationId, seq]`, so one conversation reads back in `seq` order. */
const BY_CONVERSATION_SEQ = 'byConversationSeq';

/** Resolves with a request's result, rejects with its error. */
function settled<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Resolves when the transaction committed, rejects when it failed or was aborted. */
function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = transaction.onabort = () => reject(transaction.error ?? new DOMException('Transaction aborted', 'AbortError'));
  });
}

/** Every message of one conversation, in `seq` order, through the compound index. */
function conversationRange(conversationId: string): IDBKeyRange {
  return IDBKeyRange.bound([conversationId, -Infinity], [conversationId, Infinity]);
}

class IndexedDbHistoryStore implements HistoryStore {
  readonly #database: IDBDatabase;
  readonly #name: string;

  constructor(database: IDBDatabase, name: string) {
    this.#database = database;
    this.#name = name;
  }

  /**
   * Runs `body` in one transaction and resolves with its result once the transaction
   * committed, so a write is on disk when its promise resolves. `body` may await requests
   * of the transaction, but nothing else: the transaction commits when it has none pending.
   */
  async #transaction<T>(names: StoreName | StoreName[], mode: IDBTransactionMode, body: (transaction: IDBTransaction) => T | Promise<T>): Promise<T> {
    const transaction = this.#database.transaction(names, mode);
    const [result] = await Promise.all([body(transaction), committed(transaction)]);
    return result;
  }

  /** One request on one store, resolved after its transaction committed. */
  #request<T>(name: StoreName, mode: IDBTransactionMode, make: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    return this.#transaction(name, mode, (transaction) => settled(make(transaction.objectStore(name))));
  }

  loadConversations(): Promise<Conversation[]> {
    return this.#request('conversations', 'readonly', (store) => store.getAll());
  }

  saveConversations(list: Conversation[]): Promise<void> {
    return this.#transaction('conversations', 'readwrite', (transaction) => {
      const store = transaction.objectStore('conversations');
      store.clear();
      for (const conversation of list) store.put(conversation);
    });
  }

  loadMessages(conversationId: string): Promise<StoredMessage[]> {
    return this.#request('messages', 'readonly', (store) => store.index(BY_CONVERSATION_SEQ).getAll(conversationRange(conversationId)));
  }

  putMessages(conversationId: string, messages: StoredMessage[]): Promise<void> {
    return this.#transaction('messages', 'readwrite', async (transaction) => {
      const store = transaction.objectStore('messages');
      for (const message of messages) {
        const known: StoredMessage | undefined = await settled(store.get(message.id));
        // A message seen again keeps the clientId it was sent with, as mergeMessages does.
        store.put(known?.clientId !== undefined && message.clientId === undefined ? { ...message, clientId: known.clientId } : message);
      }
      const index = store.index(BY_CONVERSATION_SEQ);
      const excess = (await settled(index.count(conversationRange(conversationId)))) - MAX_CACHED_PER_CONVERSATION;
      // The keys of the `excess` lowest seqs: the oldest messages go.
      if (excess > 0) for (const key of await settled(index.getAllKeys(conversationRange(conversationId), excess))) store.delete(key);
    });
  }

  deleteConversation(conversationId: string): Promise<void> {
    return this.#transaction(['messages', 'outbox'], 'readwrite', async (transaction) => {
      const messages = transaction.objectStore('messages');
      for (const key of await settled(messages.index(BY_CONVERSATION_SEQ).getAllKeys(conversationRange(conversationId)))) messages.delete(key);
      const outbox = transaction.objectStore('outbox');
      for (const entry of (await settled(outbox.getAll())) as OutboxEntry[]) {
        if (entry.conversationId === conversationId) outbox.delete(entry.clientId);
      }
    });
  }

  async outbox(): Promise<OutboxEntry[]> {
    const entries: OutboxEntry[] = await this.#request('outbox', 'readonly', (store) => store.getAll());
    return entries.sort((a, b) => a.createdAt - b.createdAt);
  }

  async putOutbox(entry: OutboxEntry): Promise<void> {
    await this.#request('outbox', 'readwrite', (store) => store.put(entry));
  }

  deleteOutbox(clientId: string): Promise<void> {
    return this.#request('outbox', 'readwrite', (store) => store.delete(clientId));
  }

  relabel(conversationId: string, alias: string, realId: string): Promise<void> {
    return this.#transaction('messages', 'readwrite', async (transaction) => {
      const store = transaction.objectStore('messages');
      for (const message of (await settled(store.index(BY_CONVERSATION_SEQ).getAll(conversationRange(conversationId)))) as StoredMessage[]) {
        if (message.senderId === alias) store.put({ ...message, senderId: realId });
      }
    });
  }

  async destroy(): Promise<void> {
    this.#database.close();
    await settled(indexedDB.deleteDatabase(this.#name));
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
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`IndexedDB did not open within ${timeoutMs} ms`));
    }, timeoutMs);
    const request = indexedDB.open(name, VERSION);
    request.onupgradeneeded = () => {
      const database = request.result;
      database.createObjectStore('conversations', { keyPath: 'id' });
      database.createObjectStore('messages', { keyPath: 'id' }).createIndex(BY_CONVERSATION_SEQ, ['conversationId', 'seq']);
      database.createObjectStore('outbox', { keyPath: 'clientId' });
    };
    settled(request).then(
      (database) => {
        clearTimeout(timer);
        // Another tab wants to delete or upgrade this database (logout there): let it.
        database.onversionchange = () => database.close();
        if (timedOut) database.close();
        else resolve(new IndexedDbHistoryStore(database, name));
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
