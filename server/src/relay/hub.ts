/**
 * The authenticated sockets of this relay process, by user, and the fan-out of bus events to
 * them. Each event is rendered through `views.ts` once per audience (viewer, and for a
 * message whether the viewer sent it) and the same text goes to every socket of that audience.
 */
import type { BusEvent } from '../bus/bus.js';
import type { ServerFrame } from '../../../protocol/index.js';
import type { ConversationContext } from '../store/store.js';
import { viewConversation, visibleUserId, toIso } from '../views.js';
import type { Connection } from './connection.js';

export class SocketHub {
  readonly #connectionsByUser = new Map<string, Set<Connection>>();
  readonly #maxSocketsPerUser: number;

  constructor(maxSocketsPerUser: number) {
    this.#maxSocketsPerUser = maxSocketsPerUser;
  }

  /** Adds an authenticated socket; returns the user's oldest sockets that exceed the limit. */
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
    return evicted;
  }

  remove(connection: Connection): void {
    if (connection.userId === null) return;
    const connections = this.#connectionsByUser.get(connection.userId);
    if (!connections) return;
    connections.delete(connection);
    if (connections.size === 0) this.#connectionsByUser.delete(connection.userId);
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
      case 'group':
        return;
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
      const text = JSON.stringify(frame);
      const ownText =
        viewerId === message.senderId && message.clientId !== null
          ? JSON.stringify({ ...frame, clientId: message.clientId })
          : text;
      for (const socket of sockets) socket.sendText(ownText);
    }
  }

  *all(): Iterable<Connection> {
    for (const connections of this.#connectionsByUser.values()) yield* connections;
  }
}

const EMPTY: ReadonlySet<Connection> = new Set();
