/**
 * Pure helpers over one conversation's stored messages, kept sorted by `seq`. Shared by the
 * client's memory and both history stores, so all three merge the same way.
 */
import type { StoredMessage } from './types.js';

export interface MergeResult {
  messages: StoredMessage[];
  /** The incoming messages whose id was not held before. */
  added: StoredMessage[];
}

/** Merges by id (a message seen again keeps a known `clientId`), ordered by `seq`. */
export function mergeMessages(held: readonly StoredMessage[], incoming: readonly StoredMessage[]): MergeResult {
  const byId = new Map(held.map((message) => [message.id, message]));
  const added: StoredMessage[] = [];
  for (const message of incoming) {
    const known = byId.get(message.id);
    if (known === undefined) added.push(message);
    byId.set(message.id, known?.clientId !== undefined && message.clientId === undefined ? { ...message, clientId: known.clientId } : message);
  }
  return { messages: [...byId.values()].sort((a, b) => a.seq - b.seq), added };
}

/** At the reveal, the alias the giftee saw becomes the santa's real id. */
export function relabelMessages<T extends { senderId: string }>(messages: readonly T[], alias: string, realId: string): T[] {
  return messages.map((message) => (message.senderId === alias ? { ...message, senderId: realId } : message));
}

/** The other side's messages above `cursor`: what the relay counts as unread. */
export function countUnreadAbove(messages: readonly StoredMessage[], cursor: number, selfId: string): number {
  let count = 0;
  for (const message of messages) if (message.seq > cursor && message.senderId !== selfId) count++;
  return count;
}

export function highestSeq(messages: readonly StoredMessage[]): number {
  return messages.at(-1)?.seq ?? 0;
}
