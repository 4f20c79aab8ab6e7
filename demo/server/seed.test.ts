import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseGroupInput } from '../../protocol/index.js';
import { DEMO_PEOPLE, demoGroupInput, drawCycle, revealDateFrom } from './seed.js';

/** Every raffle the demo draws: a derangement in one cycle, so no santa is ever guessable. */
function assertSingleCycle(ids: readonly string[], assignments: Array<{ santa: string; giftee: string }>): void {
  assert.equal(assignments.length, ids.length);
  assert.deepEqual(new Set(assignments.map((pair) => pair.santa)), new Set(ids));
  assert.deepEqual(new Set(assignments.map((pair) => pair.giftee)), new Set(ids));
  const gifteeOf = new Map(assignments.map((pair) => [pair.santa, pair.giftee]));
  for (const { santa, giftee } of assignments) {
    assert.notEqual(santa, giftee, 'nobody draws themselves');
    if (ids.length > 2) assert.notEqual(gifteeOf.get(giftee), santa, 'no two people draw each other');
  }
  let current = ids[0] as string;
  for (let step = 1; step < ids.length; step += 1) {
    current = gifteeOf.get(current) as string;
    assert.notEqual(current, ids[0], 'one cycle through everyone');
  }
}

describe('the demo raffle', () => {
  it('is always one cycle through everyone (a derangement with no mutual pair)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 40 }), fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), (size, randoms) => {
        const ids = Array.from({ length: size }, (_, index) => `user-${index}`);
        const source = randoms[Symbol.iterator]();
        const assignments = drawCycle(ids, (exclusiveMax) => Math.floor((source.next().value as number) * exclusiveMax));
        assertSingleCycle(ids, assignments);
      }),
    );
  });

  it('draws the seeded people into a group the admin API accepts, revealed a few days ahead', () => {
    const now = Date.parse('2026-12-01T09:30:00Z');
    const input = demoGroupInput(now);
    assert.equal(parseGroupInput(input).ok, true);
    assert.ok(input.members.length >= 5 && input.members.length <= 6);
    assertSingleCycle(
      DEMO_PEOPLE.map((person) => person.id),
      input.assignments,
    );
    assert.equal(input.revealAt, '2026-12-04T17:00:00.000Z');
    assert.ok(Date.parse(revealDateFrom(now)) - now > 2 * 24 * 3600 * 1000);
  });

  it('draws differently from one reset to the next', () => {
    const draws = new Set(Array.from({ length: 20 }, () => JSON.stringify(demoGroupInput(Date.now()).assignments)));
    assert.ok(draws.size > 1);
  });
});
