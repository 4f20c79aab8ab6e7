/**
 * The reveal scheduler holds one timer and a cursor, whatever the number of groups; each tick
 * announces what the store says came due since the cursor, once. Real store (SQLite in memory),
 * a recording hub, and the clock and timer injected so the instants are exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from './core/logger.js';
import type { BusEvent } from './cluster/bus.js';
import { RevealScheduler } from './reveal.js';
import { cycle, groupWrite, openPair } from './store/conformance/fixtures.test-support.js';
import { openSqliteStore } from './store/sqlite/store.js';

function setUp(startAt: number) {
  const store = openSqliteStore(':memory:');
  let now = startAt;
  const timers: { at: number; fire: () => void; cancelled: boolean }[] = [];
  const delivered: BusEvent[] = [];
  const counted: number[] = [];
  const scheduler = new RevealScheduler({
    store,
    hub: {
      deliver: (event) => {
        delivered.push(event);
        return 2;
      },
    },
    metrics: { revealSent: (frames = 1) => void counted.push(frames) },
    logger: createLogger('silent'),
    now: () => now,
    setTimer: (at, fire) => {
      const timer = { at, fire, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  });
  const armed = () => timers.filter((timer) => !timer.cancelled);
  /** Moves the clock to the armed timer's instant and fires it; resolves once its tick is done. */
  const fireNext = async (): Promise<void> => {
    const [timer] = armed();
    assert.ok(timer, 'a timer is armed');
    timer.cancelled = true;
    now = Math.max(now, timer.at);
    timer.fire();
    await scheduler.reschedule();
  };
  return { store, scheduler, delivered, counted, armed, fireNext, setNow: (value: number) => (now = value) };
}

describe('RevealScheduler', () => {
  it('arms one timer for the earliest reveal of many groups, and announces each at its instant', async () => {
    const { store, scheduler, delivered, counted, armed, fireNext } = setUp(1000);
    try {
      for (let index = 0; index < 50; index += 1) await store.putGroup(`g${index}`, groupWrite({ revealAt: 5000 + index * 10 }), 1000);
      const first = await openPair(store, 'g0', 'a', 'b', 1000);
      const second = await openPair(store, 'g1', 'c', 'd', 1000);
      await scheduler.start();
      assert.equal(scheduler.armedTimers, 1);
      assert.deepEqual(armed().map((timer) => timer.at), [5000]);

      await fireNext();
      assert.deepEqual(delivered, [{ type: 'reveal', context: await store.getConversation(first.conversation.id) }]);
      assert.deepEqual(counted, [2]);
      assert.deepEqual(armed().map((timer) => timer.at), [5010], 'then the next one, still a single timer');

      await fireNext();
      assert.equal(delivered.length, 2);
      assert.equal(delivered[1]?.type === 'reveal' && delivered[1].context.conversation.id, second.conversation.id);
    } finally {
      scheduler.stop();
      await store.close();
    }
  });

  it('re-arms when a write moves the next date, and never announces a range twice', async () => {
    const { store, scheduler, delivered, armed, fireNext, setNow } = setUp(1000);
    try {
      await store.putGroup('g1', groupWrite({ revealAt: 9000 }), 1000);
      await openPair(store, 'g1', 'a', 'b', 1000);
      await scheduler.start();
      assert.deepEqual(armed().map((timer) => timer.at), [9000]);

      await store.putGroup('g1', groupWrite({ revealAt: 4000 }), 2000);
      await scheduler.reschedule();
      assert.deepEqual(armed().map((timer) => timer.at), [4000], 'moved earlier: re-armed, the old timer cancelled');
      await fireNext();
      assert.equal(delivered.length, 1);
      // A write after the reveal that keeps the date, then a tick: nothing again.
      setNow(6000);
      await store.putGroup('g1', groupWrite({ name: 'Renamed', revealAt: 4000 }), 6000);
      await scheduler.reschedule();
      assert.equal(scheduler.armedTimers, 0, 'nothing left to come');
      assert.equal(delivered.length, 1);
    } finally {
      scheduler.stop();
      await store.close();
    }
  });

  it('leaves to the write what a write revealed, and what came before this process started', async () => {
    const { store, scheduler, delivered, armed, fireNext, setNow } = setUp(10_000);
    try {
      await store.putGroup('before-start', groupWrite({ revealAt: 5000 }), 1000);
      await openPair(store, 'before-start', 'a', 'b', 1000);
      await scheduler.start();
      assert.equal(scheduler.armedTimers, 0);
      // A write that sets a date in the past: the write pushes REVEAL itself (its plan says so).
      await store.putGroup('later', groupWrite({ revealAt: 20_000, assignments: cycle }), 10_000);
      await openPair(store, 'later', 'a', 'b', 10_000);
      await scheduler.reschedule();
      assert.deepEqual(armed().map((timer) => timer.at), [20_000]);
      setNow(15_000);
      await store.putGroup('later', groupWrite({ revealAt: 12_000 }), 15_000);
      await scheduler.reschedule();
      // The date is now behind the clock: the timer fires at once and finds nothing of the clock's.
      assert.deepEqual(armed().map((timer) => timer.at), [12_000]);
      await fireNext();
      assert.equal(scheduler.armedTimers, 0);
      assert.deepEqual(delivered, []);
    } finally {
      scheduler.stop();
      await store.close();
    }
  });

  it('stops: the armed timer is cancelled and a late tick announces nothing', async () => {
    const { store, scheduler, delivered, armed } = setUp(1000);
    try {
      await store.putGroup('g1', groupWrite({ revealAt: 3000 }), 1000);
      await openPair(store, 'g1', 'a', 'b', 1000);
      await scheduler.start();
      const [timer] = armed();
      scheduler.stop();
      assert.equal(scheduler.armedTimers, 0);
      timer?.fire();
      await scheduler.reschedule();
      assert.deepEqual(delivered, []);
    } finally {
      await store.close();
    }
  });
});
