/**
 * What the history store keeps, record by record. The client builds its public shapes
 * (`ChatMessage`, client/types.ts) on these; storage depends on nothing in client/.
 */
import type { ErrorCode, Message } from '../../../protocol/browser.js';

export type OutgoingState = 'sending' | 'failed';

/** A stored message as the client caches it: one's own keep the `clientId` they were sent with. */
export type StoredMessage = Message & { clientId?: string };

/** An unacknowledged send, kept until the relay acknowledges or refuses it. */
export interface OutboxEntry {
  clientId: string;
  conversationId: string;
  senderId: string;
  content: string;
  createdAt: number;
  status: OutgoingState;
  /** Why a `failed` send was refused. */
  error?: { code: ErrorCode | 'OFFLINE'; message: string };
}
