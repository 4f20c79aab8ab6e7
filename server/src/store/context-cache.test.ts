import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContextCache } from './context-cache.js';
import type { ConversationContext } from './store.js';

function context(id: string, groupId: string, lastSeq = 0): ConversationContext {
  return {
    conversation: { id, groupId, santaId: 'a', gifteeId: 'b', alias: 's_x', createdAt: 1, closedAt: null, lastSeq, revealedAt: null },
    group: { id: groupId, name: 'G', revealAt: 10 },
    santa: { id: 'a', name: 'Alice' },
    giftee: { id: 'b', name: 'Bob' },
  };
}

describe('ContextCache', () => {
  it('keeps its own copy of what it is handed; hands out that copy, whose lastSeq moves as appends commit', () => {
    const cache = new ContextCache();
    const original = context('c1', 'g1');
    cache.remember(original);
    original.conversation.lastSeq = 50;
    const first = cache.get('c1')!;
    assert.equal(first.conversation.lastSeq, 0, 'what the caller changes after remember does not reach the cache');
    assert.equal(cache.get('c1'), first, 'no copy per read');
    cache.advance('c1', 3);
    assert.equal(first.conversation.lastSeq, 3);
  });

  it('moves lastSeq forward only', () => {
    const cache = new ContextCache();
    cache.remember(context('c1', 'g1', 5));
    cache.advance('c1', 7);
    cache.advance('c1', 6);
    cache.advance('unknown', 3);
    assert.equal(cache.get('c1')?.conversation.lastSeq, 7);
    assert.equal(cache.get('unknown'), undefined);
  });

  it('forgets every context of a group, and only those', () => {
    const cache = new ContextCache();
    cache.remember(context('c1', 'g1'));
    cache.remember(context('c2', 'g1'));
    cache.remember(context('c3', 'g2'));
    cache.forgetGroup('g1');
    assert.deepEqual(
      ['c1', 'c2', 'c3'].map((id) => cache.get(id) !== undefined),
      [false, false, true],
    );
  });

  it('holds at most its capacity, dropping the oldest remembered', () => {
    const cache = new ContextCache(2);
    cache.remember(context('c1', 'g1'));
    cache.remember(context('c2', 'g1'));
    cache.remember(context('c1', 'g1'));
    cache.remember(context('c3', 'g1'));
    assert.deepEqual(
      ['c1', 'c2', 'c3'].map((id) => cache.get(id) !== undefined),
      [true, false, true],
    );
  });
});
