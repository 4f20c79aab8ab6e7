import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { databaseName, openHistoryStore } from './open-history-store.js';
import { historyStoreContract } from './history-store-contract.test-support.js';
import { MemoryHistoryStore } from './memory-store.js';

describe('MemoryHistoryStore', () => {
  // One instance across open() calls, like one IndexedDB database reopened.
  const shared = new MemoryHistoryStore();
  historyStoreContract(async () => shared, {
    it: (name, body) => it(name, body),
    deepEqual: (actual, expected, message) => assert.deepStrictEqual(actual, expected, message),
  });
});

describe('openHistoryStore', () => {
  it('falls back to memory where there is no IndexedDB', async () => {
    assert.equal(typeof indexedDB, 'undefined');
    assert.ok((await openHistoryStore('https://relay.example', 'alice')) instanceof MemoryHistoryStore);
  });

  it('names one database per server origin and user', () => {
    assert.equal(databaseName('https://relay.example/', 'alice'), databaseName('https://relay.example', 'alice'));
    assert.notEqual(databaseName('https://relay.example', 'alice'), databaseName('https://relay.example', 'bob'));
    assert.notEqual(databaseName('https://relay.example', 'alice'), databaseName('https://other.example', 'alice'));
    assert.notEqual(databaseName('https://a.example', 'b:c'), databaseName('https://a.example:b', 'c'));
  });
});
