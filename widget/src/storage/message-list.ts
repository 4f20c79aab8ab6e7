/**
 * Pure helpers over one conversation's stored messages, kept sorted by `seq`. Shared by the
 * client's memory and both history stores, so all three merge the same way.
 */
import type { StoredMessage } from './records.js';

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

/**
 * Where a SYNC starts: the last seq of the unbroken run that begins with the oldest message
 * held. Messages can be held above a missing one (a live NEW_MESSAGE or an ACK arrived, then
 * the socket died before the HISTORY that carried the older ones); syncing from the highest
 * seq would skip those for good. A run that does not begin at seq 1 counts only when
 * `trimmed` (the cache dropped the oldest on purpose; `loadOlder` fetches them); otherwise
 * the first messages are missing too, and the SYNC starts from 0.
 */
export function syncPoint(messages: readonly StoredMessage[], trimmed: boolean): number {
  const first = messages[0]?.seq;
  if (first === undefined || (first > 1 && !trimmed)) return 0;
  let through = first;
  for (const message of messages) {
    if (message.seq > through + 1) break;
    through = Math.max(through, message.seq);
  }
  return through;
}
