import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkpointRound, PASSES_PER_ROUND, SETTLED_PASS_MS, type CheckpointResult } from './checkpointer.js';

/**
 * A round against scripted passes: each takes the milliseconds given (copy and sync together)
 * and reports the result given; the clock moves only through them.
 */
function scripted(passes: readonly { ms: number; result: CheckpointResult }[], previous: CheckpointResult | null = null) {
  let clock = 0;
  let index = 0;
  let syncs = 0;
  const round = checkpointRound(
    () => {
      const step = passes[index];
      assert.ok(step !== undefined, `pass ${index + 1} was not expected`);
      index += 1;
      clock += step.ms;
      return step.result;
    },
    () => {
      syncs += 1;
    },
    previous,
    () => clock,
  );
  return { ...round, syncs };
}

const copied = (log: number): CheckpointResult => ({ busy: 0, log, checkpointed: log });

describe('checkpointRound', () => {
  it('ends with a quick pass, synced, and tells the writer it caught up', () => {
    const round = scripted([{ ms: SETTLED_PASS_MS / 2, result: copied(120) }]);
    assert.deepEqual(round, { result: copied(120), passes: 1, caughtUp: true, syncs: 1 });
  });

  it('follows a slow pass with another until one is quick, syncing after each', () => {
    const round = scripted([
      { ms: 30, result: copied(14_000) },
      { ms: 6, result: copied(14_300) },
      { ms: 1, result: copied(14_360) },
    ]);
    assert.deepEqual(round, { result: copied(14_360), passes: 3, caughtUp: true, syncs: 3 });
  });

  it(`stops after ${PASSES_PER_ROUND} passes however slow they stay`, () => {
    const slow = Array.from({ length: PASSES_PER_ROUND }, (_, index) => ({ ms: 20, result: copied(1000 + index) }));
    const round = scripted(slow);
    assert.equal(round.passes, PASSES_PER_ROUND);
    assert.equal(round.syncs, PASSES_PER_ROUND);
    assert.equal(round.caughtUp, true);
  });

  it('neither syncs nor asks the writer when a pass could not take its locks or left frames to a reader', () => {
    assert.deepEqual(scripted([{ ms: 1, result: { busy: 1, log: 500, checkpointed: 0 } }]), {
      result: { busy: 1, log: 500, checkpointed: 0 },
      passes: 1,
      caughtUp: false,
      syncs: 0,
    });
    assert.deepEqual(scripted([{ ms: 1, result: { busy: 0, log: 500, checkpointed: 480 } }]), {
      result: { busy: 0, log: 500, checkpointed: 480 },
      passes: 1,
      caughtUp: false,
      syncs: 0,
    });
    // A later pass of the round that leaves frames behind: what the first copied was synced.
    const later = scripted([
      { ms: 30, result: copied(9000) },
      { ms: 1, result: { busy: 0, log: 9100, checkpointed: 9050 } },
    ]);
    assert.deepEqual(later, { result: { busy: 0, log: 9100, checkpointed: 9050 }, passes: 2, caughtUp: false, syncs: 1 });
  });

  it('does nothing more when nothing was committed since the last round, or the WAL is empty', () => {
    assert.deepEqual(scripted([{ ms: 0.1, result: copied(300) }], copied(300)), { result: copied(300), passes: 1, caughtUp: false, syncs: 0 });
    assert.deepEqual(scripted([{ ms: 0.1, result: copied(0) }]), { result: copied(0), passes: 1, caughtUp: false, syncs: 0 });
    assert.deepEqual(scripted([{ ms: 0.1, result: { busy: 0, log: -1, checkpointed: -1 } }]), {
      result: { busy: 0, log: -1, checkpointed: -1 },
      passes: 1,
      caughtUp: false,
      syncs: 0,
    });
    // Committed since: the round goes on as usual.
    assert.equal(scripted([{ ms: 0.1, result: copied(340) }], copied(300)).caughtUp, true);
  });
});
