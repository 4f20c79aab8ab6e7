/**
 * The fan-out seam: what one relay process tells every relay process (itself included).
 * Events are plain JSON data so a networked bus (Redis pub/sub) can carry them; each
 * process renders them for its own sockets through `views/frames.ts`.
 */
import type { ConversationEvent } from '../views/frames.js';

export type BusEvent =
  /** Told to both participants of one conversation, each as `views/frames.ts` renders it for them. */
  | ConversationEvent
  /**
   * A group was written or erased: the reveal scheduler re-reads when the next reveal is due,
   * and the sockets of `userIds` (its members before and after the write) get a fresh READY,
   * whose `groups` say what changed for them (a raffle drawn, a member added or removed).
   * `userIds` is optional on the wire: an event from a relay before it carried none.
   */
  | { type: 'group'; groupId: string; userIds?: string[] }
  /** Close these sockets of the user (4409), on whichever process holds them: over the per-user limit. */
  | { type: 'evict'; userId: string; socketIds: string[] }
  /**
   * Events may have been lost on their way to this process (its Redis connection dropped, or
   * another process could not publish): catch up from the store, the source of truth. Only a
   * networked bus raises it; the in-process bus cannot lose events.
   */
  | { type: 'resync' };

export type BusHandler = (event: BusEvent) => void;

/** `off`: nothing outside this process to reach (the in-process bus). */
export type BusHealth = 'ok' | 'unreachable' | 'off';

/** What a networked bus counts; `RelayMetrics` implements it. */
export interface BusMetrics {
  busPublished(): void;
  busReceived(): void;
  busFailed(): void;
}

export interface Bus {
  /**
   * Hands the event to every subscriber of this process before it returns, and sends it on
   * to the other processes. Never rejects because the network is down: a networked bus
   * counts and logs the failure and raises `resync` elsewhere once it can. A bus with nothing
   * left to do once its subscribers have the event (the in-process one) returns nothing, and
   * a subscriber's error is thrown, not returned: the send's hot path then waits for no promise.
   */
  publish(event: BusEvent): Promise<void> | void;
  /** Returns the unsubscribe function. */
  subscribe(handler: BusHandler): () => void;
  /** For `/healthz`. */
  health(): Promise<BusHealth>;
  close(): Promise<void>;
}
