/**
 * A test client that behaves like the widget on a bad day: when its socket drops it connects
 * to the next relay in its list, AUTHs, SYNCs every conversation from the last `seq` it holds
 * without a gap before it, and re-sends every unacknowledged message with the same `clientId`. It keeps what it
 * received by `seq`, so a test can count what was lost and what came twice.
 */
import WebSocket from 'ws';
import type { AckFrame, ErrorFrame, Message, ServerFrame } from '../../protocol/index.js';

export interface ResilientClientOptions {
  userId: string;
  token: string;
  /** The relays' WebSocket URLs, read again at each reconnect (relays come and go). */
  urls: () => string[];
  /** Which relay of the list to try first. */
  start?: number;
}

export class ResilientClient {
  readonly userId: string;
  /** Messages held, by conversation and seq. */
  readonly messages = new Map<string, Map<number, Message>>();
  readonly acks = new Map<string, AckFrame>();
  readonly errors: ErrorFrame[] = [];
  /** A NEW_MESSAGE for a seq the same socket had already been sent as NEW_MESSAGE. */
  duplicateLiveFrames = 0;
  /** READY frames on a socket that was already ready: catch-ups after a bus resync. */
  catchUpReadies = 0;
  reconnects = 0;
  readonly #options: ResilientClientOptions;
  readonly #outbox = new Map<string, { conversationId: string; content: string }>();
  #attempt: number;
  #socket: WebSocket | null = null;
  #ready = false;
  #stopped = false;
  #readyWaiters: (() => void)[] = [];

  constructor(options: ResilientClientOptions) {
    this.userId = options.userId;
    this.#options = options;
    this.#attempt = options.start ?? 0;
  }

  /** Connects and resolves at the first READY. */
  async start(): Promise<void> {
    this.#connect();
    await new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
  }

  get isReady(): boolean {
    return this.#ready;
  }

  /** Queues a message; it goes out now if the socket is ready, else after the next READY. */
  send(conversationId: string, content: string, clientId: string): void {
    this.#outbox.set(clientId, { conversationId, content });
    if (this.#ready) this.#transmit(clientId);
  }

  get unacknowledged(): number {
    return this.#outbox.size;
  }

  seqs(conversationId: string): number[] {
    return [...(this.messages.get(conversationId)?.keys() ?? [])].sort((a, b) => a - b);
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`${this.userId}: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#socket?.terminate();
    this.#socket = null;
  }

  #connect(): void {
    if (this.#stopped) return;
    const urls = this.#options.urls();
    const url = urls[this.#attempt % urls.length];
    if (url === undefined) throw new Error('no relay to connect to');
    const socket = new WebSocket(url);
    this.#socket = socket;
    /** Seqs this socket got as NEW_MESSAGE, by conversation. */
    const live = new Map<string, Set<number>>();
    let readyOnSocket = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'AUTH', token: this.#options.token })));
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.type === 'READY') {
        if (readyOnSocket) {
          this.catchUpReadies += 1;
          return;
        }
        readyOnSocket = true;
        this.#onReady(frame.conversations.map((conversation) => conversation.id));
        return;
      }
      this.#onFrame(frame, live);
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#ready = false;
      if (this.#stopped) return;
      // Next relay in the list, as a load balancer would pick another healthy backend.
      this.#attempt += 1;
      this.reconnects += 1;
      setTimeout(() => this.#connect(), 50);
    });
  }

  #onReady(conversationIds: string[]): void {
    this.#ready = true;
    for (const conversationId of conversationIds) this.#sync(conversationId);
    for (const clientId of this.#outbox.keys()) this.#transmit(clientId);
    for (const resolve of this.#readyWaiters.splice(0)) resolve();
  }

  #onFrame(frame: ServerFrame, live: Map<string, Set<number>>): void {
    switch (frame.type) {
      case 'NEW_MESSAGE': {
        let seen = live.get(frame.conversationId);
        if (!seen) live.set(frame.conversationId, (seen = new Set()));
        if (seen.has(frame.seq)) this.duplicateLiveFrames += 1;
        seen.add(frame.seq);
        const { type: _type, clientId: _clientId, ...message } = frame;
        this.#hold([message]);
        return;
      }
      case 'HISTORY':
        this.#hold(frame.messages);
        if (frame.hasMore) this.#sync(frame.conversationId);
        return;
      case 'ACK': {
        // As the widget does: the ACK stands for the sending socket's NEW_MESSAGE
        // (docs/protocol.md), so the message is held from it and what was sent.
        const entry = this.#outbox.get(frame.clientId);
        this.acks.set(frame.clientId, frame);
        this.#outbox.delete(frame.clientId);
        if (entry) {
          const { type: _type, clientId: _clientId, ...stored } = frame;
          this.#hold([{ ...stored, senderId: this.userId, content: entry.content }]);
        }
        return;
      }
      case 'ERROR':
        this.errors.push(frame);
        return;
      default:
        return;
    }
  }

  #hold(messages: readonly Message[]): void {
    for (const message of messages) {
      let bySeq = this.messages.get(message.conversationId);
      if (!bySeq) this.messages.set(message.conversationId, (bySeq = new Map()));
      const held = bySeq.get(message.seq);
      if (held && held.id !== message.id) throw new Error(`two messages with seq ${message.seq}: ${held.id}, ${message.id}`);
      bySeq.set(message.seq, message);
    }
  }

  /** From the last seq before the first gap: seqs have none, so a hole means something is missing. */
  #sync(conversationId: string): void {
    const held = this.messages.get(conversationId);
    let after = 0;
    while (held?.has(after + 1)) after += 1;
    this.#socket?.send(JSON.stringify({ type: 'SYNC', conversationId, after }));
  }

  #transmit(clientId: string): void {
    const entry = this.#outbox.get(clientId);
    if (!entry || !this.#socket || this.#socket.readyState !== WebSocket.OPEN) return;
    this.#socket.send(JSON.stringify({ type: 'NEW_MESSAGE', ...entry, clientId }));
  }
}
