/**
 * A real SQLite store whose one method fails on demand (`failing = true`), as when its
 * database is away: for the relay's answers to a store that cannot serve.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type SqliteStore } from '../../server/src/store/sqlite/store.js';

type Method = 'appendMessage' | 'listConversations';

export interface FaultyStore {
  store: SqliteStore;
  failing: boolean;
}

export async function withFaultyStore(method: Method, body: (faulty: FaultyStore) => Promise<void>): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'santa-chat-faulty-store-'));
  const store = openSqliteStore(join(directory, 'relay.db'));
  const faulty: FaultyStore = { store, failing: false };
  const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
  (store as unknown as Record<Method, (...args: unknown[]) => Promise<unknown>>)[method] = (...args) =>
    faulty.failing ? Promise.reject(new Error(`${method}: the database is away`)) : original(...args);
  if (method === 'appendMessage') {
    // The send's hot path appends through the completion form: it fails the same way.
    const originalNow = store.appendMessageNow.bind(store);
    store.appendMessageNow = (input, done) => {
      if (!faulty.failing) return originalNow(input, done);
      queueMicrotask(() => done.failed(new Error('appendMessage: the database is away')));
    };
  }
  try {
    await body(faulty);
  } finally {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  }
}
