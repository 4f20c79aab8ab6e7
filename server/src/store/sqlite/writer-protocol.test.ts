import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { decodeBatch, encodeBatch, encodeOutcomes, settleOutcomes } from './writer-protocol.js';
import type { BatchedWrite } from './writes.js';

// What crosses to the writer thread is a structured clone: v8.serialize is the same algorithm.
const cloned = <T>(value: T): T => deserialize(serialize(value)) as T;

describe('writer thread protocol (flat arrays)', () => {
  const writes: BatchedWrite[] = [
    { kind: 'append', input: { conversationId: 'c1', senderId: 'a', content: 'hello', clientId: 'k1', now: 100 } },
    { kind: 'append', input: { conversationId: 'c1', senderId: 'b', content: 'armed', clientId: null, now: 101, noticeDueAt: 5000 } },
    { kind: 'markRead', conversationId: 'c1', userId: 'b', upTo: 2 },
    { kind: 'append', input: { conversationId: 'c2', senderId: 'a', content: 'again', clientId: 'k1', now: 102 } },
    { kind: 'append', input: { conversationId: 'c3', senderId: 'a', content: 'broken', clientId: 'k9', now: 103 } },
  ];

  it('carries every write as it was sent', () => {
    assert.deepEqual(decodeBatch(cloned(encodeBatch(writes))), writes);
  });

  it('tells every write its outcome, in order, a stored message rebuilt from its id and seq', () => {
    const stored = (index: number, id: string, seq: number) => {
      const { input } = writes[index] as Extract<BatchedWrite, { kind: 'append' }>;
      return { id, conversationId: input.conversationId, seq, senderId: input.senderId, content: input.content, clientId: input.clientId, createdAt: input.now };
    };
    const outcomes = [
      { ok: true as const, value: { kind: 'stored', message: stored(0, 'm_1', 1) } },
      { ok: true as const, value: { kind: 'stored', message: stored(1, 'm_2', 2) } },
      { ok: true as const, value: { upTo: 2, moved: true } },
      { ok: true as const, value: { kind: 'duplicate', message: stored(0, 'm_1', 1) } },
      { ok: false as const, error: Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }) },
    ];
    const received: unknown[] = [];
    settleOutcomes(
      writes.map((write) => ({
        write,
        done: { written: (value: unknown) => received.push({ ok: true, value }), failed: (error: unknown) => received.push({ ok: false, error }) },
      })),
      cloned(encodeOutcomes(writes, outcomes)),
    );
    assert.deepEqual(received.slice(0, 4), outcomes.slice(0, 4));
    const failed = received[4] as { ok: boolean; error: Error & { code?: string } };
    assert.equal(failed.ok, false);
    assert.match(failed.error.message, /disk I\/O error/);
    assert.equal(failed.error.code, 'SQLITE_IOERR');
  });
});
