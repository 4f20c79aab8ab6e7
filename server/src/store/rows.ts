import type { PairState } from './group-plan.js';
import type {
  ConversationContext,
  ConversationOverview,
  ConversationRecord,
  GroupMeta,
  MemberGroupRecord,
  MemberRecord,
  MessageRecord,
} from './store.js';

/** Rows as SQLite returns them (snake_case), and their mapping to the store's records. */

export interface GroupRow {
  id: string;
  name: string;
  reveal_at: number;
  reveal_set_at: number;
  created_at: number;
  updated_at: number;
}

export interface MemberRow {
  user_id: string;
  name: string;
}

export interface AssignmentRow {
  santa_id: string;
  giftee_id: string;
  revealed_at: number | null;
}

export interface ConversationRow {
  id: string;
  group_id: string;
  santa_id: string;
  giftee_id: string;
  alias: string;
  created_at: number;
  closed_at: number | null;
  last_seq: number;
  revealed_at: number | null;
}

/** A conversation joined with its group and both member names (null when the member left). */
export interface ContextRow extends ConversationRow {
  group_name: string;
  group_reveal_at: number;
  santa_name: string | null;
  giftee_name: string | null;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  content: string;
  client_id: string | null;
  created_at: number;
}

/** A context row with the viewer's unread count and the last message (`last_*` null when none). */
export interface OverviewRow extends ContextRow {
  unread: number;
  peer_read_up_to: number;
  last_id: string | null;
  last_seq_number: number | null;
  last_sender_id: string | null;
  last_content: string | null;
  last_client_id: string | null;
  last_created_at: number | null;
}

/** A group of one member: `drawn` and `has_santa` are 0/1 in SQLite, booleans in PostgreSQL. */
export interface MemberGroupRow {
  id: string;
  name: string;
  reveal_at: number;
  drawn: number | boolean;
  giftee_id: string | null;
  giftee_name: string | null;
  has_santa: number | boolean;
}

export function toMemberGroupRecord(row: MemberGroupRow): MemberGroupRecord {
  return {
    group: { id: row.id, name: row.name, revealAt: row.reveal_at },
    drawn: Boolean(row.drawn),
    giftee: row.giftee_id === null ? null : memberOrBlank(row.giftee_id, row.giftee_name),
    hasSanta: Boolean(row.has_santa),
  };
}

export function toGroupMeta(row: GroupRow): GroupMeta {
  return { id: row.id, name: row.name, revealAt: row.reveal_at };
}

export function toPairState(row: AssignmentRow): PairState {
  return { santa: row.santa_id, giftee: row.giftee_id, revealedAt: row.revealed_at };
}

export function toConversationRecord(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    groupId: row.group_id,
    santaId: row.santa_id,
    gifteeId: row.giftee_id,
    alias: row.alias,
    createdAt: row.created_at,
    closedAt: row.closed_at,
    lastSeq: row.last_seq,
    revealedAt: row.revealed_at,
  };
}

export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    content: row.content,
    clientId: row.client_id,
    createdAt: row.created_at,
  };
}

/** A member erased from the group keeps its id, but its name is gone with it. */
function memberOrBlank(id: string, name: string | null): MemberRecord {
  return { id, name: name ?? '' };
}

export function toConversationContext(row: ContextRow): ConversationContext {
  return {
    conversation: toConversationRecord(row),
    group: {
      id: row.group_id,
      name: row.group_name,
      revealAt: row.group_reveal_at,
    },
    santa: memberOrBlank(row.santa_id, row.santa_name),
    giftee: memberOrBlank(row.giftee_id, row.giftee_name),
  };
}

export function toConversationOverview(row: OverviewRow): ConversationOverview {
  const lastMessage: MessageRecord | null =
    row.last_id === null
      ? null
      : {
          id: row.last_id,
          conversationId: row.id,
          seq: row.last_seq_number ?? row.last_seq,
          senderId: row.last_sender_id ?? '',
          content: row.last_content ?? '',
          clientId: row.last_client_id,
          createdAt: row.last_created_at ?? 0,
        };
  return { ...toConversationContext(row), unread: row.unread, lastMessage, peerReadUpTo: row.peer_read_up_to };
}
