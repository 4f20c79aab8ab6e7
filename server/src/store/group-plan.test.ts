/**
 * `planGroupWrite` decides the reveal state of every pair. Unit cases pin each rule; a property
 * test runs random sequences of PUTs (re-draws, renames, dates moved either way), clock moves and
 * conversations opened, against an oracle that knows only the rule as written in
 * docs/protocol.md: a pair is revealed once the clock passed the `revealAt` in force while it
 * existed. What the giftee receives (built by `views/frames.ts`) names the santa exactly then.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { conversationView, eventFrame } from '../views/frames.js';
import { planGroupWrite, type ExistingGroup, type PairState } from './group-plan.js';
import type { AssignmentRecord, ConversationContext, ConversationRecord, GroupRecord, GroupWrite, MemberRecord } from './store.js';

const IDS = ['member-alpha', 'member-bravo', 'member-charlie', 'member-delta'];
const nameOf = (id: string, version: number): string => `Name ${id.slice(7)} v${version}`;

function write(revealAt: number, assignments: AssignmentRecord[], nameVersion = 0): GroupWrite {
  return { name: 'Office', revealAt, members: IDS.map((id) => ({ id, name: nameOf(id, nameVersion) })), assignments };
}

/** A rotation of the members by `shift` (1..3): every member gives to one and gets from one. */
function raffle(shift: number): AssignmentRecord[] {
  return IDS.map((santa, index) => ({ santa, giftee: IDS[(index + shift) % IDS.length] as string }));
}

/** A store in memory that only executes plans, as the real stores do. */
class ModelStore {
  record: GroupRecord | null = null;
  pairs: PairState[] = [];
  conversations: ConversationRecord[] = [];
  #next = 0;

  context(conversation: ConversationRecord, group = this.record): ConversationContext {
    assert.ok(group);
    const member = (id: string): MemberRecord => group.members.find((entry) => entry.id === id) ?? { id, name: '' };
    return { conversation, group: { id: 'g', name: group.name, revealAt: group.revealAt }, santa: member(conversation.santaId), giftee: member(conversation.gifteeId) };
  }

  put(input: GroupWrite, now: number) {
    const existing: ExistingGroup | null =
      this.record === null
        ? null
        : {
            record: this.record,
            pairs: this.pairs,
            open: this.conversations.filter((entry) => entry.closedAt === null).map((entry) => this.context(entry)),
          };
    const plan = planGroupWrite('g', existing, input, now);
    this.record = plan.record;
    this.pairs = plan.pairs;
    for (const latch of plan.latches) this.#find(latch.conversationId).revealedAt = latch.revealedAt;
    for (const closed of plan.closed) Object.assign(this.#find(closed.conversation.id), closed.conversation);
    return plan;
  }

  open(pair: AssignmentRecord, now: number): ConversationRecord | null {
    const state = this.pairs.find((entry) => entry.santa === pair.santa && entry.giftee === pair.giftee);
    if (state === undefined) return null;
    const existing = this.conversations.find(
      (entry) => entry.closedAt === null && entry.santaId === pair.santa && entry.gifteeId === pair.giftee,
    );
    if (existing) return existing;
    this.#next += 1;
    const conversation: ConversationRecord = {
      id: `conv-${this.#next}`,
      groupId: 'g',
      santaId: pair.santa,
      gifteeId: pair.giftee,
      alias: `alias-${this.#next}`,
      createdAt: now,
      closedAt: null,
      lastSeq: 0,
      revealedAt: state.revealedAt,
    };
    this.conversations.push(conversation);
    return conversation;
  }

  #find(id: string): ConversationRecord {
    const found = this.conversations.find((entry) => entry.id === id);
    assert.ok(found, id);
    return found;
  }
}

/** The rule, as written, tracked by time segments: which pairs exist and which date is in force. */
class Oracle {
  /** Per existing pair: has the clock passed a revealAt in force while it existed? */
  readonly #pairs = new Map<string, boolean>();
  /** Per conversation that closed: revealed when it closed. */
  readonly closedRevealed = new Map<string, boolean>();
  #revealAt = Number.POSITIVE_INFINITY;

  /** Called before every write and every check: the clock has reached `now` under the current date. */
  advance(now: number): void {
    if (now < this.#revealAt) return;
    for (const key of this.#pairs.keys()) this.#pairs.set(key, true);
  }

  put(input: GroupWrite, now: number, open: ConversationRecord[]): void {
    this.advance(now);
    const next = new Map<string, boolean>();
    for (const pair of input.assignments) next.set(key(pair.santa, pair.giftee), this.#pairs.get(key(pair.santa, pair.giftee)) ?? false);
    for (const conversation of open) {
      const pairKey = key(conversation.santaId, conversation.gifteeId);
      if (!next.has(pairKey)) this.closedRevealed.set(conversation.id, this.#pairs.get(pairKey) ?? false);
    }
    this.#pairs.clear();
    for (const [pairKey, revealed] of next) this.#pairs.set(pairKey, revealed);
    this.#revealAt = input.revealAt;
    this.advance(now);
  }

  revealed(conversation: ConversationRecord): boolean {
    if (conversation.closedAt !== null) return this.closedRevealed.get(conversation.id) ?? false;
    return this.#pairs.get(key(conversation.santaId, conversation.gifteeId)) ?? false;
  }
}

function key(santa: string, giftee: string): string {
  return `${santa}>${giftee}`;
}

type Step =
  | { kind: 'put'; shift: number; revealIn: number; nameVersion: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'open'; member: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    shift: fc.integer({ min: 1, max: 3 }),
    revealIn: fc.integer({ min: -50, max: 100 }),
    nameVersion: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ kind: fc.constant('open' as const), member: fc.integer({ min: 0, max: IDS.length - 1 }) }),
);

describe('planGroupWrite', () => {
  it('creates a group with every pair hidden and nothing to close', () => {
    const plan = planGroupWrite('g', null, write(500, raffle(1)), 100);
    assert.equal(plan.created, true);
    assert.equal(plan.record.revealSetAt, 100);
    assert.ok(plan.pairs.every((pair) => pair.revealedAt === null));
    assert.deepEqual([plan.latches, plan.closed, plan.revealed], [[], [], []]);
  });

  it('keeps revealSetAt while revealAt stays, and moves it with the date', () => {
    const store = new ModelStore();
    store.put(write(500, raffle(1)), 100);
    assert.equal(store.put(write(500, raffle(1), 1), 200).record.revealSetAt, 100);
    assert.equal(store.put(write(900, raffle(1)), 300).record.revealSetAt, 300);
  });

  it('latches kept pairs whose date passed, starts new pairs hidden, closes the rest as they were', () => {
    const store = new ModelStore();
    store.put(write(500, raffle(1)), 100);
    const kept = store.open(raffle(1)[0] as AssignmentRecord, 150);
    const gone = store.open(raffle(1)[1] as AssignmentRecord, 150);
    assert.ok(kept && gone);
    // A re-draw at 600 (after the reveal at 500) that keeps only the first pair.
    const next = [raffle(1)[0] as AssignmentRecord, ...raffle(2).slice(1)];
    const plan = store.put(write(10_000, next), 600);
    assert.deepEqual(plan.latches, [{ conversationId: kept.id, revealedAt: 500 }]);
    assert.deepEqual(plan.pairs.map((pair) => pair.revealedAt), [500, null, null, null]);
    assert.deepEqual(plan.closed.map((context) => [context.conversation.id, context.conversation.revealedAt, context.group.revealAt]), [
      [gone.id, 500, 500],
    ]);
    assert.deepEqual(plan.revealed, []);
  });

  it('reveals kept, hidden pairs when the date moves into the past, but never the ones it closes', () => {
    const store = new ModelStore();
    store.put(write(5000, raffle(1)), 100);
    const kept = store.open(raffle(1)[0] as AssignmentRecord, 150);
    const gone = store.open(raffle(1)[1] as AssignmentRecord, 150);
    assert.ok(kept && gone);
    const plan = store.put(write(200, [raffle(1)[0] as AssignmentRecord]), 300);
    assert.deepEqual(plan.revealed.map((context) => context.conversation.id), [kept.id]);
    assert.deepEqual(plan.latches, [], 'revealed by the date in force, not latched');
    assert.equal(plan.closed[0]?.conversation.revealedAt, null);
  });

  it('never lets a giftee see a santa of a pair not yet past its reveal, nor hides one that is (property)', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 1, maxLength: 40 }), (steps) => {
        const store = new ModelStore();
        const oracle = new Oracle();
        let now = 1000;
        store.put(write(now + 100, raffle(1)), now);
        oracle.put(write(now + 100, raffle(1)), now, []);
        for (const step of steps) {
          if (step.kind === 'advance') now += step.ms;
          if (step.kind === 'put') {
            const input = write(now + step.revealIn, raffle(step.shift), step.nameVersion);
            const open = store.conversations.filter((entry) => entry.closedAt === null);
            const plan = store.put(input, now);
            oracle.put(input, now, open);
            for (const context of plan.closed) checkGifteeView(context, oracle.revealed(context.conversation), now);
            for (const context of plan.revealed) assert.ok(oracle.revealed(context.conversation), 'pushed REVEAL early');
          }
          if (step.kind === 'open') {
            const santa = IDS[step.member] as string;
            const pair = store.pairs.find((entry) => entry.santa === santa);
            if (pair) store.open(pair, now);
          }
          oracle.advance(now);
          // Closed ones too, under the group as it is now (as a store reads them back).
          for (const conversation of store.conversations) {
            checkGifteeView(store.context(conversation), oracle.revealed(conversation), now);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

/** What the giftee gets of this conversation (its overview and the santa's message) names the santa iff revealed. */
function checkGifteeView(context: ConversationContext, revealed: boolean, now: number): void {
  const { santaId, gifteeId } = context.conversation;
  const view = conversationView({ ...context, unread: 0, lastMessage: null, peerReadUpTo: 0 }, gifteeId, now);
  const message = eventFrame(
    {
      type: 'message',
      context,
      message: { id: 'm', conversationId: context.conversation.id, seq: 1, senderId: santaId, content: 'hi', clientId: 'k', createdAt: now },
    },
    gifteeId,
    now,
  );
  const text = JSON.stringify([view, message]);
  const named = text.includes(`"${santaId}"`) || (context.santa.name !== '' && text.includes(context.santa.name));
  assert.equal(named, revealed, `giftee ${gifteeId} at ${now}: ${text}`);
  assert.equal(view.revealed, revealed);
}
