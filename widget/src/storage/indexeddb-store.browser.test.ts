/**
 * The history store contract on real IndexedDB, for the browser runner (mocha + chai through
 * @open-wc/testing). Node runs the same contract on the memory store (memory-store.test.ts).
 */
import { expect } from '@open-wc/testing';
import { databaseName, openHistoryStore } from './open-history-store.js';
import { historyStoreContract } from './history-store-contract.test-support.js';
import { MemoryHistoryStore } from './memory-store.js';

describe('IndexedDB history store', () => {
  const server = `https://relay-${Math.random().toString(36).slice(2)}.example`;
  historyStoreContract(() => openHistoryStore(server, 'alice'), {
    it: (name, body) => it(name, body),
    deepEqual: (actual, expected, message) => expect(actual, message).to.deep.equal(expected),
  });

  it('is IndexedDB, not the memory fallback, and keeps data across reopening', async () => {
    const store = await openHistoryStore(server, 'bob');
    expect(store).not.to.be.instanceOf(MemoryHistoryStore);
    await store.putOutbox({ clientId: 'kept', conversationId: 'c1', senderId: 'bob', content: 'hi', createdAt: 1, status: 'sending' });
    store.close();
    const reopened = await openHistoryStore(server, 'bob');
    expect((await reopened.outbox()).map((entry) => entry.clientId)).to.deep.equal(['kept']);
    await reopened.destroy();
    const names = (await indexedDB.databases()).map((database) => database.name);
    expect(names).not.to.include(databaseName(server, 'bob'));
  });

  it('falls back to memory when IndexedDB refuses to open', async () => {
    const original = indexedDB.open;
    indexedDB.open = () => {
      throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
    };
    try {
      expect(await openHistoryStore(server, 'carol')).to.be.instanceOf(MemoryHistoryStore);
    } finally {
      indexedDB.open = original;
    }
  });
});
