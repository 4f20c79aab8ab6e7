/**
 * The statements of the PostgreSQL store's write transactions that more than one write needs,
 * and the group write (`putGroup`): the group read under its row lock, the plan
 * (`group-plan.ts`) carried out row by row.
 */
import type pg from 'pg';
import { planGroupWrite, type ExistingGroup, type GroupWritePlan, type PairState } from '../group-plan.js';
import { toConversationContext, type ContextRow, type GroupRow } from '../rows.js';
import type {
  ConversationContext,
  GroupRecord,
  GroupWrite,
  MemberRecord,
  PutGroupResult,
  RevealEventWrite,
  WebhookEventWrite,
} from '../store.js';
import { sql } from './statements.js';
import { webhookSql } from './webhook-statements.js';

export interface GroupRecordRow extends GroupRow {
  members: MemberRecord[];
  assignments: PairState[];
}

/** Creates or replaces the group as planned, inside the caller's transaction. */
export async function writeGroup(
  client: pg.PoolClient,
  groupId: string,
  write: GroupWrite,
  now: number,
  revealEvent: RevealEventWrite | undefined,
): Promise<PutGroupResult> {
  let existing = await readExistingGroup(client, groupId);
  let plan = planGroupWrite(groupId, existing, write, now);
  if (existing === null) {
    const { record } = plan;
    const inserted = await client.query(sql.insertGroup, [
      groupId, record.name, record.revealAt, record.revealSetAt, record.createdAt, now,
    ]);
    if (inserted.rowCount === 0) {
      // Another writer created it since our read and has committed: replace theirs.
      existing = await readExistingGroup(client, groupId);
      plan = planGroupWrite(groupId, existing, write, now);
    }
  }
  const { record } = plan;
  if (existing !== null) {
    await client.query(sql.updateGroup, [groupId, record.name, record.revealAt, record.revealSetAt, now]);
  }
  await replaceMembersAndPairs(client, groupId, plan);
  const closed = await closeConversations(client, plan, now);
  if (revealEvent !== undefined) {
    await client.query(webhookSql.dropUnattemptedReveals, [groupId, revealEvent.dedupeKey]);
    await insertEvent(client, revealEvent.event, revealEvent.dedupeKey);
  }
  return { created: existing === null, group: record, closed, revealed: plan.revealed, memberIds: plan.memberIds };
}

/** The members and the pairs as planned, and the reveal latched on the open conversations that keep theirs. */
async function replaceMembersAndPairs(client: pg.PoolClient, groupId: string, plan: GroupWritePlan): Promise<void> {
  const { record } = plan;
  await client.query(sql.deleteMembers, [groupId]);
  if (record.members.length > 0) {
    await client.query(sql.insertMembers, [
      groupId,
      record.members.map((member) => member.id),
      record.members.map((member) => member.name),
    ]);
  }
  await client.query(sql.deleteAssignments, [groupId]);
  if (plan.pairs.length > 0) {
    await client.query(sql.insertAssignments, [
      groupId,
      plan.pairs.map((pair) => pair.santa),
      plan.pairs.map((pair) => pair.giftee),
      plan.pairs.map((pair) => pair.revealedAt),
    ]);
  }
  if (plan.latches.length > 0) {
    await client.query(sql.latchConversations, [
      plan.latches.map((latch) => latch.conversationId),
      plan.latches.map((latch) => latch.revealedAt),
    ]);
  }
}

/** Closes the conversations of pairs the write removes; each as closed, with its last seq. */
async function closeConversations(client: pg.PoolClient, plan: GroupWritePlan, now: number): Promise<ConversationContext[]> {
  if (plan.closed.length === 0) return [];
  // RETURNING gives last_seq as closed: an append that held the row lock has committed by now.
  const closedRows = await client.query<{ id: string; last_seq: number }>(sql.closeConversations, [
    plan.closed.map((context) => context.conversation.id),
    now,
    plan.closed.map((context) => context.conversation.revealedAt),
  ]);
  const lastSeqs = new Map(closedRows.rows.map((row) => [row.id, row.last_seq]));
  const closed: ConversationContext[] = [];
  for (const context of plan.closed) {
    const lastSeq = lastSeqs.get(context.conversation.id);
    if (lastSeq !== undefined) closed.push({ ...context, conversation: { ...context.conversation, lastSeq } });
  }
  return closed;
}

export async function insertEvent(client: pg.PoolClient, event: WebhookEventWrite, dedupeKey: string | null): Promise<void> {
  await client.query(webhookSql.insertEvent, [
    event.id, event.type, event.groupId, event.payload, dedupeKey, event.dueAt, event.createdAt,
  ]);
}

/** The group as it is, locked for the rest of the transaction; for `planGroupWrite`. */
async function readExistingGroup(client: pg.PoolClient, groupId: string): Promise<ExistingGroup | null> {
  // Locks the row first: the record and the open conversations are then read under the lock.
  if ((await client.query(sql.selectGroupForUpdate, [groupId])).rowCount === 0) return null;
  const row = (await client.query<GroupRecordRow>(sql.selectGroupRecord, [groupId])).rows[0];
  if (row === undefined) return null;
  const open = (await client.query<ContextRow>(sql.selectOpenContextsOfGroup, [groupId])).rows.map(toConversationContext);
  return { record: toGroupRecord(row), pairs: row.assignments.map((pair) => ({ ...pair })), open };
}

export function toGroupRecord(row: GroupRecordRow): GroupRecord {
  return {
    id: row.id,
    name: row.name,
    revealAt: row.reveal_at,
    revealSetAt: row.reveal_set_at,
    members: row.members.map((member) => ({ id: member.id, name: member.name })),
    assignments: row.assignments.map((pair) => ({ santa: pair.santa, giftee: pair.giftee })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function requireContext(client: pg.PoolClient, conversationId: string): Promise<ConversationContext> {
  const row = (await client.query<ContextRow>(sql.selectContext, [conversationId])).rows[0];
  if (row === undefined) throw new Error(`conversation ${conversationId} vanished inside its transaction`);
  return toConversationContext(row);
}
