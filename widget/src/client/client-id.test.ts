import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { newClientId } from './client-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newClientId', () => {
  it('is a UUID version 7 whose first 48 bits are the time in milliseconds', () => {
    const id = newClientId(1_764_633_600_123);
    assert.match(id, UUID_V7);
    assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), 1_764_633_600_123);
    assert.equal(newClientId(0).slice(0, 13), '00000000-0000');
    assert.equal(newClientId(2 ** 48 - 1).slice(0, 13), 'ffffffff-ffff');
  });

  it('sorts by time as a string, and two ids of the same millisecond differ', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 10_000_000 }), (earlier, gap) => {
        const later = Math.min(earlier + gap, 2 ** 48 - 1);
        const [first, second] = [newClientId(earlier), newClientId(later)];
        return UUID_V7.test(first) && UUID_V7.test(second) && first < second;
      }),
    );
    const same = new Set(Array.from({ length: 1_000 }, () => newClientId(1_000)));
    assert.equal(same.size, 1_000);
  });

  it('is accepted by the relay as a clientId', async () => {
    const { parseClientFrame } = await import('../../../protocol/client-frames.js');
    const frame = parseClientFrame(JSON.stringify({ type: 'NEW_MESSAGE', conversationId: 'c1', clientId: newClientId(), content: 'hi' }));
    assert.equal(frame.ok, true, JSON.stringify(frame));
  });
});
