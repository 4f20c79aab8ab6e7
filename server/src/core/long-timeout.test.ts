/**
 * `setTimeoutAt` under mocked time. Node's real `setTimeout` fires after 1 ms when asked to
 * wait more than 2^31-1 ms (24.8 days); the mocked one does not, so the mock is wrapped to
 * behave like the real thing: an implementation that hands a 40-day delay straight to
 * `setTimeout` then fires at once, and these tests catch it.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { setTimeoutAt } from './long-timeout.js';

const DAY_MS = 24 * 3600 * 1000;
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
const START = Date.UTC(2026, 0, 1);

describe('setTimeoutAt', () => {
  const requestedDelays: number[] = [];
  let restoreSetTimeout: (() => void) | undefined;

  beforeEach(() => {
    requestedDelays.length = 0;
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: START });
    const mocked = globalThis.setTimeout;
    const overflowLikeNode = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
      const requested = delay ?? 0;
      requestedDelays.push(requested);
      // Node: "TimeoutOverflowWarning: ... does not fit into a 32-bit signed integer. Timeout duration was set to 1."
      const effective = requested > MAX_TIMER_DELAY_MS || !(requested >= 1) ? 1 : requested;
      return mocked(callback, effective, ...args);
    }) as typeof setTimeout;
    globalThis.setTimeout = overflowLikeNode;
    restoreSetTimeout = () => {
      globalThis.setTimeout = mocked;
    };
  });

  afterEach(() => {
    restoreSetTimeout?.();
    mock.timers.reset();
  });

  it('fires a 40-day delay at its instant, not when the first capped timer ends', () => {
    const at = START + 40 * DAY_MS;
    let firedAt: number | null = null;
    let calls = 0;
    setTimeoutAt(at, () => {
      calls += 1;
      firedAt = Date.now();
    });

    mock.timers.tick(1);
    assert.equal(calls, 0, 'fired at once: the delay overflowed setTimeout');

    mock.timers.tick(MAX_TIMER_DELAY_MS - 1);
    assert.equal(Date.now(), START + MAX_TIMER_DELAY_MS);
    assert.equal(calls, 0, 'fired at the 24.8-day cap instead of the requested instant');

    mock.timers.tick(at - Date.now() - 1);
    assert.equal(calls, 0, 'fired 1 ms early');

    mock.timers.tick(1);
    assert.equal(calls, 1);
    assert.equal(firedAt, at);

    mock.timers.tick(60 * DAY_MS);
    assert.equal(calls, 1, 'fired more than once');
    for (const delay of requestedDelays) {
      assert.ok(delay <= MAX_TIMER_DELAY_MS, `asked setTimeout for ${delay} ms, over the 2^31-1 cap`);
    }
    assert.ok(requestedDelays.length >= 2, 'a 40-day wait needs at least two timers');
  });

  it('takes its clock from `now` when given one', () => {
    let clock = 1_000;
    let calls = 0;
    setTimeoutAt(5_000, () => (calls += 1), () => clock);
    assert.deepEqual(requestedDelays, [4_000]);
    clock = 4_999; // the supplied clock is behind when the timer fires: it re-arms for the rest
    mock.timers.tick(4_000);
    assert.equal(calls, 0);
    assert.equal(requestedDelays.at(-1), 1);
    clock = 5_000;
    mock.timers.tick(1);
    assert.equal(calls, 1);
  });

  it('calls back at once, synchronously, for an instant already past', () => {
    let calls = 0;
    setTimeoutAt(START - 1, () => (calls += 1));
    assert.equal(calls, 1);
    setTimeoutAt(START, () => (calls += 1));
    assert.equal(calls, 2);
    assert.deepEqual(requestedDelays, []);
  });

  it('cancel stops it, before the first cap and after a re-arm', () => {
    let early = 0;
    const cancelEarly = setTimeoutAt(START + 40 * DAY_MS, () => (early += 1));
    mock.timers.tick(DAY_MS);
    cancelEarly();

    let late = 0;
    const cancelLate = setTimeoutAt(START + 40 * DAY_MS, () => (late += 1));
    mock.timers.tick(MAX_TIMER_DELAY_MS + DAY_MS); // past the first capped timer: now re-armed
    cancelLate();

    mock.timers.tick(100 * DAY_MS);
    assert.equal(early, 0, 'cancelled before the cap, yet it fired');
    assert.equal(late, 0, 'cancelled after a re-arm, yet it fired');
    cancelLate(); // cancelling twice is harmless
  });

  it('a short delay fires exactly at its instant', () => {
    let calls = 0;
    setTimeoutAt(START + 1_500, () => (calls += 1));
    mock.timers.tick(1_499);
    assert.equal(calls, 0);
    mock.timers.tick(1);
    assert.equal(calls, 1);
  });
});
