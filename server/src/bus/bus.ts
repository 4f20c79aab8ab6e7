/**
 * The fan-out seam: what one relay process tells every relay process (itself included).
 * Events are plain JSON data so a networked bus (Redis pub/sub) can carry them; each
 * process renders them for its own sockets through `views.ts`.
 */
import type { ConversationContext, MessageRecord } from '../store/store.js';

export type BusEvent =
  /** A message was stored (its `clientId` goes only to the sender's own sockets). */
  | { type: 'message'; context: ConversationContext; message: MessageRecord }
  | { type: 'read'; context: ConversationContext; readerId: string; upTo: number }
  | { type: 'typing'; context: ConversationContext; senderId: string }
  /** A conversation was created or closed. */
  | { type: 'conversation'; context: ConversationContext }
  /** A group was written or erased: reveal timers re-read its schedule. */
  | { type: 'group'; groupId: string };

export type BusHandler = (event: BusEvent) => void;

export interface Bus {
  publish(event: BusEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(handler: BusHandler): () => void;
  close(): Promise<void>;
}
