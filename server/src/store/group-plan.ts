/**
 * What a group write does, decided once for both stores (docs/decisions/0012-reveal-per-pair.md).
 * `planGroupWrite` is pure: the SQLite and PostgreSQL stores read the group as it is, ask for
 * the plan, and execute it in their transaction.
 *
 * The reveal rule: a pair (santa, giftee) is revealed once the clock passes the `revealAt` in
 * force while that pair exists. The latch `revealedAt` records that instant, so that moving
 * `revealAt` later never hides a pair again; a pair drawn by this write starts hidden until the
 * group's (new) `revealAt`, whatever happened to the pairs before it. A conversation whose pair
 * leaves the raffle closes, and stays as its pair knew it: revealed only if it was before.
 */
import type { AssignmentRecord, ConversationContext, GroupMeta, GroupRecord, GroupWrite, MemberRecord } from './store.js';

/** The reveal state of one conversation: is the santa shown to the giftee at `now`? */
export function isRevealed(context: Pick<ConversationContext, 'conversation' | 'group'>, now: number): boolean {
  const { conversation, group } = context;
  if (conversation.revealedAt !== null) return true;
  // A closed conversation's pair no longer exists: the clock cannot reveal it any more.
  return conversation.closedAt === null && now >= group.revealAt;
}

/** The instant a pair was revealed, as of `now`, under the `revealAt` in force until now. */
function latchAt(revealedAt: number | null, revealAt: number, now: number): number | null {
  return revealedAt ?? (revealAt <= now ? revealAt : null);
}

export interface PairState extends AssignmentRecord {
  /** When this pair was revealed under a `revealAt` no longer in force; `null` while not. */
  revealedAt: number | null;
}

/** The group as the store holds it before the write, read inside the write's transaction. */
export interface ExistingGroup {
  record: GroupRecord;
  /** The pairs with their reveal latches, in any order. */
  pairs: PairState[];
  /** The group's open conversations, with member names as they are before the write. */
  open: ConversationContext[];
}

export interface GroupWritePlan {
  created: boolean;
  /** The group as it is after the write. */
  record: GroupRecord;
  /** The assignments to store, in the order given, each with its latch. */
  pairs: PairState[];
  /** Open conversations of kept pairs whose latch this write sets (their `revealAt` passed). */
  latches: { conversationId: string; revealedAt: number }[];
  /** Conversations this write closes (their pair left the raffle), as the old pair may still see them. */
  closed: ConversationContext[];
  /** Open conversations this write reveals (it moved `revealAt` into the past): push `REVEAL`. */
  revealed: ConversationContext[];
  /** The members before and after the write, each once: whose view of their groups it changes. */
  memberIds: string[];
}

function pairKey(santa: string, giftee: string): string {
  return JSON.stringify([santa, giftee]);
}

export function planGroupWrite(
  groupId: string,
  existing: ExistingGroup | null,
  input: GroupWrite,
  now: number,
): GroupWritePlan {
  const before = existing?.record;
  const group: GroupMeta = { id: groupId, name: input.name, revealAt: input.revealAt };
  const record: GroupRecord = {
    ...group,
    // The instant the current `revealAt` was set: the scheduler announces a reveal only when
    // the clock reached it after that (a write that sets a past `revealAt` announces it itself).
    revealSetAt: before !== undefined && before.revealAt === input.revealAt ? before.revealSetAt : now,
    members: input.members.map((member) => ({ id: member.id, name: member.name })),
    assignments: input.assignments.map((pair) => ({ santa: pair.santa, giftee: pair.giftee })),
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  };
  const latchBefore = (revealedAt: number | null): number | null =>
    before === undefined ? null : latchAt(revealedAt, before.revealAt, now);

  const pairsBefore = new Map((existing?.pairs ?? []).map((pair) => [pairKey(pair.santa, pair.giftee), pair]));
  const pairs: PairState[] = record.assignments.map((pair) => {
    const prior = pairsBefore.get(pairKey(pair.santa, pair.giftee));
    return { ...pair, revealedAt: prior === undefined ? null : latchBefore(prior.revealedAt) };
  });

  const namesNow = new Map(input.members.map((member) => [member.id, member.name]));
  const memberNow = (member: MemberRecord): MemberRecord => ({ id: member.id, name: namesNow.get(member.id) ?? member.name });
  const kept = new Set(pairs.map((pair) => pairKey(pair.santa, pair.giftee)));
  const latches: GroupWritePlan['latches'] = [];
  const closed: ConversationContext[] = [];
  const revealed: ConversationContext[] = [];
  for (const context of existing?.open ?? []) {
    const { conversation } = context;
    const revealedAt = latchBefore(conversation.revealedAt);
    const santa = memberNow(context.santa);
    const giftee = memberNow(context.giftee);
    if (!kept.has(pairKey(conversation.santaId, conversation.gifteeId))) {
      // Ends as its pair knew it: the group's new date never reveals a pair that is gone.
      const knownDate = { ...group, revealAt: context.group.revealAt };
      closed.push({ conversation: { ...conversation, closedAt: now, revealedAt }, group: knownDate, santa, giftee });
      continue;
    }
    if (revealedAt !== null && conversation.revealedAt === null) latches.push({ conversationId: conversation.id, revealedAt });
    const after: ConversationContext = { conversation: { ...conversation, revealedAt }, group, santa, giftee };
    if (!isRevealed(context, now) && isRevealed(after, now)) revealed.push(after);
  }
  const memberIds = [...new Set([...(before?.members ?? []), ...record.members].map((member) => member.id))];
  return { created: existing === null, record, pairs, latches, closed, revealed, memberIds };
}
