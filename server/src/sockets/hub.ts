/**
 * The authenticated sockets of this relay process, by user, and the routing of bus events to
 * them. Each event is built by `views/frames.ts` once per viewer and the same text goes to
 * every socket of that viewer.
 */
import type { BusEvent } from '../cluster/bus.js';
import { CloseCode } from '../../../protocol/index.js';
import { eventFrame, type ConversationEvent } from '../views/frames.js';
import type { Connection } from './connection.js';
import type { MessageRecord } from '../store/store.js';
import { socketIdOf, type SocketRegistry } from '../limits/socket-registry.js';

export class SocketHub {
  readonly #connectionsByUser = new Map<string, Set<Connection>>();
  readonly #maxSocketsPerUser: number;
  readonly #registry: SocketRegistry | undefined;
  #onGap: ((connection: Connection) => void) | undefined;

  /** `registry`: the limit across relay processes (Redis); without it, this process's count is the limit. */
  constructor(maxSocketsPerUser: number, registry?: SocketRegistry) {
    this.#maxSocketsPerUser = maxSocketsPerUser;
    this.#registry = registry;
  }

  /**
   * Adds an authenticated socket; returns the user's oldest sockets here that exceed the limit.
   * The registry, when there is one, may evict older sockets on other processes too.
   */
  add(connection: Connection, userId: string): Connection[] {
    let connections = this.#connectionsByUser.get(userId);
    if (!connections) {
      connections = new Set();
      this.#connectionsByUser.set(userId, connections);
    }
    connections.add(connection);
    const evicted: Connection[] = [];
    // Sets iterate in insertion order, so the first entries are the oldest sockets.
    for (const candidate of connections) {
      if (connections.size - evicted.length <= this.#maxSocketsPerUser) break;
      evicted.push(candidate);
    }
    for (const connection of evicted) connections.delete(connection);
    if (this.#registry) {
      for (const oldest of evicted) this.#registry.release(userId, this.#socketId(oldest));
      this.#registry.admit(userId, this.#socketId(connection));
    }
    return evicted;
  }

  remove(connection: Connection): void {
    if (connection.userId === null) return;
    const connections = this.#connectionsByUser.get(connection.userId);
    if (!connections?.delete(connection)) return;
    if (connections.size === 0) this.#connectionsByUser.delete(connection.userId);
    this.#registry?.release(connection.userId, this.#socketId(connection));
  }

  /** Told when a socket was sent a message above one it never got (lost, or still on its way). */
  watchGaps(listener: (connection: Connection) => void): void {
    this.#onGap = listener;
  }

  /** After Redis came back: the registry may have forgotten this process's sockets. */
  reregister(): void {
    if (!this.#registry) return;
    const sockets = [];
    for (const [userId, connections] of this.#connectionsByUser) {
      for (const connection of connections) {
        sockets.push({ userId, socketId: this.#socketId(connection), openedAt: connection.openedAt });
      }
    }
    this.#registry.restore(sockets);
  }

  socketsOf(userId: string): ReadonlySet<Connection> {
    return this.#connectionsByUser.get(userId) ?? EMPTY;
  }

  /**
   * Sends a conversation's event to both participants' sockets here (returns how many), built for each viewer by
   * `views/frames.ts` and serialized once per viewer. A message a socket already has (a retried
   * send is published again, in case its first relay died before publishing) is not sent twice.
   */
  deliver(event: BusEvent, now: number): number {
    switch (event.type) {
      case 'evict':
        this.#evict(event.userId, event.socketIds);
        return 0;
      case 'group':
      case 'resync':
        return 0;
      default:
        return this.#toParticipants(event, now);
    }
  }

  /** Returns how many sockets were sent the event. */
  #toParticipants(event: ConversationEvent, now: number): number {
    const { conversation } = event.context;
    return this.#toViewer(event, conversation.santaId, now) + this.#toViewer(event, conversation.gifteeId, now);
  }

  /** The event as `viewerId` sees it, serialized once, to each of their sockets here. */
  #toViewer(event: ConversationEvent, viewerId: string, now: number): number {
    const sockets = this.#connectionsByUser.get(viewerId);
    if (sockets === undefined) return 0;
    if (event.type !== 'message') {
      const frame = eventFrame(event, viewerId, now);
      if (frame === null) return 0;
      const text = JSON.stringify(frame);
      for (const socket of sockets) socket.sendText(text);
      return sockets.size;
    }
    // Built only if a socket lacks the message: the sender's only socket usually has it
    // already, from its ACK (SocketHub.acknowledged).
    let text: string | undefined;
    let written = 0;
    const { conversationId, seq } = event.message;
    for (const socket of sockets) {
      if (socket.delivered.has(conversationId, seq)) continue;
      if (text === undefined) {
        const frame = eventFrame(event, viewerId, now);
        if (frame === null) return 0;
        text = JSON.stringify(frame);
      }
      socket.sendText(text);
      written += 1;
      this.#recordSent(socket, conversationId, seq);
    }
    return written;
  }

  /**
   * The sending socket was ACKed a message it sent with a `clientId`: the ACK carries all it
   * lacks (it wrote the content), so the fan-out does not send it the NEW_MESSAGE too.
   */
  acknowledged(connection: Connection, message: MessageRecord): void {
    this.#recordSent(connection, message.conversationId, message.seq);
  }

  /** Notes in the socket's ledger that it has the message; a gap below it starts a catch-up. */
  #recordSent(connection: Connection, conversationId: string, seq: number): void {
    if (connection.delivered.sent(conversationId, seq) && this.#onGap) this.#onGap(connection);
  }

  /** Closes those of the user's sockets that live here (the others are on other processes). */
  #evict(userId: string, socketIds: readonly string[]): void {
    const wanted = new Set(socketIds);
    for (const connection of [...this.socketsOf(userId)]) {
      if (!wanted.has(this.#socketId(connection))) continue;
      this.remove(connection);
      connection.close(CloseCode.TOO_MANY_SOCKETS, 'Too many connections for this user; closed the oldest.');
    }
  }

  *all(): Iterable<Connection> {
    for (const connections of this.#connectionsByUser.values()) yield* connections;
  }

  #socketId(connection: Connection): string {
    return socketIdOf(this.#registry?.nodeId ?? 'local', connection.number);
  }
}

const EMPTY: ReadonlySet<Connection> = new Set();
