import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusEvent, BusHandler } from '../cluster/bus.js';
import { createLogger } from '../core/logger.js';
import { context } from '../views/fixtures.test-support.js';
import { routeBusEvents } from './fan-out.js';

function setUp() {
  const calls: string[] = [];
  let handler: BusHandler | undefined;
  const unsubscribe = routeBusEvents({
    bus: {
      subscribe: (next) => {
        handler = next;
        return () => calls.push('unsubscribed');
      },
    },
    hub: {
      deliver: (event) => {
        calls.push(`deliver ${event.type}`);
        return 2;
      },
      reregister: () => void calls.push('reregister'),
    },
    reveals: { reschedule: async () => void calls.push('reschedule') },
    catchUp: {
      all: async () => void calls.push('catch up'),
      users: async (userIds) => void calls.push(`refresh ${userIds.join(',')}`),
    },
    metrics: { revealSent: (frames = 1) => void calls.push(`counted ${frames}`) },
    logger: createLogger('silent'),
    now: () => 0,
  });
  const publish = (event: BusEvent) => handler?.(event);
  return { calls, publish, unsubscribe };
}

describe('routeBusEvents', () => {
  it('sends conversation events to the hub and counts REVEAL frames', () => {
    const { calls, publish } = setUp();
    publish({ type: 'typing', context: context(), senderId: 'santa-id' });
    publish({ type: 'reveal', context: context() });
    publish({ type: 'evict', userId: 'u', socketIds: ['a'] });
    assert.deepEqual(calls, ['deliver typing', 'deliver reveal', 'counted 2', 'deliver evict']);
  });

  it('reschedules reveals and refreshes the members\' sockets on a group write, and repairs everything on a resync', () => {
    const { calls, publish, unsubscribe } = setUp();
    publish({ type: 'group', groupId: 'g' });
    publish({ type: 'group', groupId: 'g', userIds: ['bob', 'dan'] });
    publish({ type: 'resync' });
    unsubscribe();
    assert.deepEqual(calls, ['reschedule', 'reschedule', 'refresh bob,dan', 'reregister', 'reschedule', 'catch up', 'unsubscribed']);
  });
});
