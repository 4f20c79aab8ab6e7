/**
 * The authenticated sockets of this relay process, by user, and the fan-out of bus events to
 * them. Each event is rendered through `views.ts` once per audience (viewer, and for a
 * message whether the viewer sent it) and the same text goes to every socket of that audience.
 */
import type { BusEvent } from '../bus/bus.js';
import { CloseCode, type ServerFrame } from '../../../protocol/index.js';
import type { ConversationContext } from '../store/store.js';
import { viewConversation, visibleUserId, toIso } from '../views.js';
import type { Connection } from './connection.js';
import { socketIdOf, type SocketRegistry } from './socket-registry.js';

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

  hasSockets(userId: string): boolean {
    return this.#connectionsByUser.has(userId);
  }

  /** Sends one frame, rendered for each participant, to all their sockets here. */
  sendToParticipants(context: ConversationContext, render: (viewerId: string) => ServerFrame | null): void {
    for (const viewerId of [context.conversation.santaId, context.conversation.gifteeId]) {
      const sockets = this.socketsOf(viewerId);
      if (sockets.size === 0) continue;
      const frame = render(viewerId);
      if (frame === null) continue;
      const text = JSON.stringify(frame);
      for (const socket of sockets) socket.sendText(text);
    }
  }

  deliver(event: BusEvent, now: number): void {
    switch (event.type) {
      case 'message':
        return this.#deliverMessage(event, now);
      case 'read':
        return this.sendToParticipants(event.context, (viewerId) => ({
          type: 'READ',
          conversationId: event.context.conversation.id,
          readerId: visibleUserId(event.context, event.readerId, viewerId, now),
          upTo: event.upTo,
        }));
      case 'typing':
        return this.sendToParticipants(event.context, (viewerId) =>
          viewerId === event.senderId
            ? null
            : {
                type: 'TYPING',
                conversationId: event.context.conversation.id,
                senderId: visibleUserId(event.context, event.senderId, viewerId, now),
              },
        );
      case 'conversation':
        return this.sendToParticipants(event.context, (viewerId) => ({
          type: 'CONVERSATION',
          conversation: viewConversation({ ...event.context, unread: 0, lastMessage: null }, viewerId, now),
        }));
      case 'evict':
        return this.#evict(event.userId, event.socketIds);
      case 'group':
      case 'resync':
        return;
    }
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

  #deliverMessage(event: Extract<BusEvent, { type: 'message' }>, now: number): void {
    const { context, message } = event;
    const timestamp = toIso(message.createdAt);
    for (const viewerId of [context.conversation.santaId, context.conversation.gifteeId]) {
      const sockets = this.socketsOf(viewerId);
      if (sockets.size === 0) continue;
      const frame: ServerFrame = {
        type: 'NEW_MESSAGE',
        conversationId: message.conversationId,
        id: message.id,
        seq: message.seq,
        senderId: visibleUserId(context, message.senderId, viewerId, now),
        content: message.content,
        timestamp,
      };
      // One serialization per audience; the sender's own sockets get the clientId too.
      const ownText = JSON.stringify(
        viewerId === message.senderId && message.clientId !== null ? { ...frame, clientId: message.clientId } : frame,
      );
      for (const socket of sockets) {
        // A retried send publishes its message again, in case its first relay died before publishing.
        if (socket.delivered.has(message.conversationId, message.seq)) continue;
        socket.sendText(ownText);
        socket.delivered.sent(message.conversationId, message.seq);
        if (this.#onGap && socket.delivered.hasGap(message.conversationId)) this.#onGap(socket);
      }
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
