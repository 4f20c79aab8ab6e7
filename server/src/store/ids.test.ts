import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { newConversationId } from './ids.js';

describe('newConversationId', () => {
  it('is c_ and 24 base64url characters, 96 bits of them random', () => {
    const ids = new Set<string>();
    for (let index = 0; index < 2000; index += 1) {
      const id = newConversationId(1_796_000_000_000);
      assert.match(id, /^c_[A-Za-z0-9_-]{24}$/);
      ids.add(id.slice(10));
    }
    assert.equal(ids.size, 2000, 'the same millisecond still gives distinct ids');
  });

  it('sorts by creation time, as strings and in SQLite, across every digit boundary', () => {
    const times = [0, 1, 63, 64, 65, 4095, 4096, 262_143, 262_144, 1_700_000_000_000, 1_796_000_000_000, 1_796_000_000_001, 2 ** 47, 2 ** 48 - 1];
    const ids = times.map((time) => newConversationId(time));
    const shuffled = [...ids].reverse();
    assert.deepEqual([...shuffled].sort(), ids, 'JavaScript string order');
    const database = new Database(':memory:');
    try {
      database.exec('CREATE TABLE c (id TEXT PRIMARY KEY)');
      const insert = database.prepare('INSERT INTO c (id) VALUES (?)');
      for (const id of shuffled) insert.run(id);
      const sorted = database.prepare('SELECT id FROM c ORDER BY id').pluck().all();
      assert.deepEqual(sorted, ids, 'SQLite BINARY order, which its indexes use');
    } finally {
      database.close();
    }
  });

  it('keeps the time in its first 8 characters, the same for the same millisecond', () => {
    const a = newConversationId(1_796_000_000_123);
    const b = newConversationId(1_796_000_000_123.9);
    assert.equal(a.slice(0, 10), b.slice(0, 10));
    assert.notEqual(a.slice(0, 10), newConversationId(1_796_000_000_124).slice(0, 10));
  });
});
