import assert from 'node:assert/strict';
import type {
  AppendMessageResult,
  AssignmentRecord,
  ConversationContext,
  GroupWrite,
  MemberRecord,
  MessageRecord,
  Store,
} from '../store.js';

/** Opens a fresh, empty store; `cleanup` closes it (even if already closed) and drops its data. */
export type OpenStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

export async function withStore(openStore: OpenStore, work: (store: Store) => Promise<void>): Promise<void> {
  const { store, cleanup } = await openStore();
  try {
    await work(store);
  } finally {
    await cleanup();
  }
}

export const members: MemberRecord[] = [
  { id: 'a', name: 'Alice' },
  { id: 'b', name: 'Bob' },
  { id: 'c', name: 'Cleo' },
  { id: 'd', name: 'Dan' },
];

/** a gives to b, b to c, c to d, d to a. */
export const cycle: AssignmentRecord[] = [
  { santa: 'a', giftee: 'b' },
  { santa: 'b', giftee: 'c' },
  { santa: 'c', giftee: 'd' },
  { santa: 'd', giftee: 'a' },
];

export const farFuture = 4_000_000_000_000;

export function groupWrite(overrides: Partial<GroupWrite> = {}): GroupWrite {
  return { name: 'Office 2026', revealAt: farFuture, members, assignments: cycle, ...overrides };
}

export async function openPair(
  store: Store,
  groupId: string,
  santaId: string,
  gifteeId: string,
  now: number,
): Promise<ConversationContext> {
  const opened = await store.openConversation(groupId, santaId, gifteeId, now);
  assert.ok(opened, `${santaId} -> ${gifteeId} should be an assignment of ${groupId}`);
  return opened.context;
}

export function storedMessage(result: AppendMessageResult): MessageRecord {
  assert.equal(result.kind, 'stored');
  assert.ok(result.kind === 'stored');
  return result.message;
}

export async function send(
  store: Store,
  conversationId: string,
  senderId: string,
  content: string,
  now: number,
  clientId: string | null = null,
): Promise<MessageRecord> {
  return storedMessage(await store.appendMessage({ conversationId, senderId, content, clientId, now }));
}

export function seqsOf(messages: readonly MessageRecord[]): number[] {
  return messages.map((message) => message.seq);
}

export function idsOf(contexts: readonly ConversationContext[]): string[] {
  return contexts.map((context) => context.conversation.id).sort();
}
