/**
 * What each relay frame does to what the client knows, and keeping it in step with the
 * relay: SYNC catch-up after every READY (and for each new conversation), the outbox's
 * re-sends, read cursors (those moved while no socket could carry them go after the next
 * READY), and TYPING at most once per interval. The current user stays the facade's
 * (`SantaChatClient`): READY names them through `setUser`.
 */
import { LIMITS, type ClientFrame, type Conversation, type ReadyFrame, type ServerFrame } from '../../../protocol/browser.js';
import type { ChatModel, Emit } from './chat-model.js';
import type { Outbox } from './outbox.js';
import type { StoredMessage } from '../storage/records.js';

export interface SyncParts {
  model: ChatModel;
  outbox: Outbox;
  emit: Emit;
  /** Sends on a connected socket; false when there is none (`Connection.send`). */
  send(frame: ClientFrame): boolean;
  /** READY was taken in: whether it is the first on this socket (`Connection.ready`). */
  ready(): boolean;
  /** READY names the current user. */
  setUser(userId: string): void;
  now(): number;
}

/** A frame's fields without its `type`, as the events carry them. */
function withoutType<T extends { type: string }>({ type: _type, ...fields }: T): Omit<T, 'type'> {
  return fields;
}

export class Sync {
  readonly #parts: SyncParts;
  readonly #model: ChatModel;
  readonly #typingSentAt = new Map<string, number>();
  /** Read cursors moved while no socket could carry the READ; sent after the next READY. */
  readonly #unsentReads = new Map<string, number>();
  /**
   * Per conversation, the last seq the relay had when this client learned of it (READY, or a
   * new conversation): a message above it arrived while connected, whether as NEW_MESSAGE or
   * in a HISTORY page (the relay sends each message once per socket, and a SYNC answered just
   * after its commit carries it instead of the live frame).
   */
  readonly #liveAfter = new Map<string, number>();

  constructor(parts: SyncParts) {
    this.#parts = parts;
    this.#model = parts.model;
  }

  /** Another user, or none: what was unsent was theirs. */
  forgetUser(): void {
    this.#unsentReads.clear();
    this.#liveAfter.clear();
  }

  /** Logout: nothing of this user's remains. */
  clear(): void {
    this.#unsentReads.clear();
    this.#typingSentAt.clear();
    this.#liveAfter.clear();
  }

  handleFrame(frame: ServerFrame): void {
    const { model, emit } = this.#parts;
    switch (frame.type) {
      case 'READY':
        this.#onReady(frame);
        return;
      case 'ACK':
        this.#parts.outbox.acknowledged(frame);
        return;
      case 'NEW_MESSAGE': {
        const { type: _type, clientId, ...message } = frame;
        if (clientId !== undefined) model.removeOutbox(clientId);
        const added = model.addMessages(frame.conversationId, [clientId === undefined ? message : { ...message, clientId }]);
        if (added.length > 0 && message.senderId !== model.selfId(frame.conversationId)) {
          emit('message', { conversationId: frame.conversationId, message });
        }
        return;
      }
      case 'HISTORY':
        this.#arrivedLive(frame.conversationId, model.addMessages(frame.conversationId, frame.messages));
        if (frame.hasMore) this.#sync(frame.conversationId);
        return;
      case 'READ':
        if (frame.readerId === model.selfId(frame.conversationId)) model.advanceReadCursor(frame.conversationId, frame.upTo);
        else {
          model.peerRead(frame.conversationId, frame.upTo);
          emit('read', withoutType(frame));
        }
        return;
      case 'TYPING':
        emit('typing', withoutType(frame));
        return;
      case 'CONVERSATION':
        this.upsertConversation(frame.conversation);
        return;
      case 'REVEAL':
        model.reveal(frame);
        emit('reveal', withoutType(frame));
        return;
      case 'ERROR': {
        if (this.#parts.outbox.refused(frame)) return;
        const { retryAfterMs: _retryAfterMs, ...error } = withoutType(frame);
        emit('error', error);
        return;
      }
      case 'REPORTED':
        emit('reported', withoutType(frame));
        return;
      // PONG: proved the socket alive, which is all it is for.
    }
  }

  #onReady(frame: ReadyFrame): void {
    const { model, send } = this.#parts;
    this.#parts.setUser(frame.userId);
    model.replaceConversations(frame.conversations);
    for (const conversation of frame.conversations) this.#liveAfter.set(conversation.id, conversation.lastMessage?.seq ?? 0);
    model.setGroups(frame.groups);
    // READY counted before the relay heard of these reads.
    for (const conversationId of this.#unsentReads.keys()) model.recountUnread(conversationId);
    if (!this.#parts.ready()) return;
    for (const conversation of model.conversations) this.#sync(conversation.id);
    this.#parts.outbox.resendAll();
    for (const [conversationId, upTo] of this.#unsentReads) {
      if (send({ type: 'READ', conversationId, upTo })) this.#unsentReads.delete(conversationId);
    }
  }

  /** Asks for everything after the last seq held without a gap; HISTORY answers, repeated while hasMore. */
  #sync(conversationId: string): void {
    this.#parts.send({ type: 'SYNC', conversationId, after: this.#model.syncPoint(conversationId) });
  }

  /** A conversation from the relay (a frame, or `messageMatch`); a new one is caught up. */
  upsertConversation(conversation: Conversation): void {
    if (!this.#model.upsertConversation(conversation)) return;
    if (!this.#liveAfter.has(conversation.id)) this.#liveAfter.set(conversation.id, conversation.lastMessage?.seq ?? 0);
    this.#sync(conversation.id);
  }

  /** `message` for the other side's messages of a HISTORY page that arrived while connected (see `#liveAfter`). */
  #arrivedLive(conversationId: string, added: readonly StoredMessage[]): void {
    const after = this.#liveAfter.get(conversationId);
    if (after === undefined || added.length === 0) return;
    const selfId = this.#model.selfId(conversationId);
    for (const stored of [...added].sort((a, b) => a.seq - b.seq)) {
      if (stored.seq <= after || stored.senderId === selfId) continue;
      const { clientId: _clientId, ...message } = stored;
      this.#parts.emit('message', { conversationId, message });
    }
  }

  /** The user has read up to `upTo`: unread drops at once; the relay hears of it when the cursor moved. */
  markRead(conversationId: string, upTo: number): void {
    if (!this.#model.advanceReadCursor(conversationId, upTo)) return;
    if (!this.#parts.send({ type: 'READ', conversationId, upTo })) this.#unsentReads.set(conversationId, upTo);
  }

  /** The user is typing: at most one TYPING per interval goes out. */
  typing(conversationId: string): void {
    const now = this.#parts.now();
    if (now - (this.#typingSentAt.get(conversationId) ?? -Infinity) < LIMITS.typingIntervalMs) return;
    if (this.#parts.send({ type: 'TYPING', conversationId })) this.#typingSentAt.set(conversationId, now);
  }
}
