/**
 * The widget's own headless client (`SantaChatClient`, memory store, `ws` for the browser's
 * WebSocket) with a tap on its sockets, so a chaos test can see what the client cannot tell
 * it: which ACKs arrived and when, the ERROR frames, the close codes, and can break a socket
 * the way a network does, including right after the client sent SYNC and before the HISTORY
 * that answers it arrives.
 */
import WebSocketNode from 'ws';
import type { ErrorFrame, ServerFrame } from '../../../protocol/index.js';
import { SantaChatClient } from '../../../widget/src/client/client.js';

export interface AckRecord {
  conversationId: string;
  id: string;
  seq: number;
  /** Date.now() when it arrived. */
  at: number;
}

type Listener = (event: unknown) => void;

/**
 * What the client gets as its WebSocket: a real `ws` socket behind the few members the
 * client uses (`readyState`, `send`, `close`, `addEventListener`), so the tap sees every frame
 * before the client does and can hold one back or end the connection first.
 */
class TappedSocket {
  readonly socket: WebSocketNode;
  readonly #listeners = new Map<string, Listener[]>();
  /** Once cut, nothing more reaches the client but the close. */
  #cut = false;

  constructor(url: string | URL, onFrame: (socket: TappedSocket, frame: ServerFrame, text: string) => void) {
    this.socket = new WebSocketNode(url);
    this.socket.on('open', () => this.#emit('open', {}));
    this.socket.on('message', (data: Buffer) => {
      if (this.#cut) return;
      const text = data.toString();
      onFrame(this, JSON.parse(text) as ServerFrame, text);
    });
    this.socket.on('close', (code: number, reason: Buffer) => this.#emit('close', { code, reason: reason.toString() }));
    this.socket.on('error', () => this.#emit('error', {}));
  }

  get readyState(): number {
    return this.socket.readyState;
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.socket.send(data);
  }

  close(code?: number): void {
    this.socket.close(code);
  }

  /** Hands a frame to the client. */
  deliver(text: string): void {
    if (!this.#cut) this.#emit('message', { data: text });
  }

  /** Ends the connection as a network would (no close frame). */
  cut(): void {
    this.#cut = true;
    this.socket.terminate();
  }

  #emit(type: string, event: unknown): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/** A SYNC whose HISTORY the client should never see. */
interface ArmedCut {
  socket: TappedSocket;
  conversationId: string;
  timer: NodeJS.Timeout;
}

/** Everything of one client's sockets, for the test to count and to break. */
export class SocketTap {
  readonly acks = new Map<string, AckRecord>();
  readonly errors: (ErrorFrame & { at: number })[] = [];
  readonly closeCodes: number[] = [];
  socketsOpened = 0;
  /** Sockets cut after a SYNC went out and before its HISTORY reached the client. */
  midSyncCuts = 0;
  /** Of those, the cuts made just after a newer frame (live message, ACK) reached the client. */
  midSyncCutsAfterNewer = 0;
  /** Sockets dropped by `drop()`. */
  drops = 0;
  /** Chance that a SYNC is followed by a cut before its HISTORY (0 = never). */
  cutAfterSync = 0;
  /** What the client is given as its `WebSocket` class. */
  readonly WebSocket: typeof WebSocket;
  #current: TappedSocket | null = null;
  #armed: ArmedCut | null = null;

  constructor() {
    // The client calls `new WebSocket(url)`: a constructor function that returns an object
    // hands that object back, so the tapped socket is what the client holds.
    const open = (url: string | URL): TappedSocket => this.#open(url);
    this.WebSocket = function TappedWebSocket(url: string | URL) {
      return open(url);
    } as unknown as typeof WebSocket;
  }

  /** Cuts the current socket as a network would; false when there is none open. */
  drop(): boolean {
    const socket = this.#current;
    if (!socket || socket.readyState !== WebSocketNode.OPEN) return false;
    this.drops += 1;
    socket.cut();
    return true;
  }

  #open(url: string | URL): TappedSocket {
    const socket = new TappedSocket(url, (from, frame, text) => this.#onFrame(from, frame, text));
    this.#current = socket;
    this.socketsOpened += 1;
    socket.socket.on('close', (code: number) => this.closeCodes.push(code));
    const send = socket.send.bind(socket);
    socket.send = (data: string): void => {
      send(data);
      if (this.#armed || this.cutAfterSync === 0 || !data.includes('"SYNC"') || Math.random() >= this.cutAfterSync) return;
      const frame = JSON.parse(data) as { type: string; conversationId: string };
      if (frame.type !== 'SYNC') return;
      // The HISTORY is held back as if slow to come; the connection dies before it arrives,
      // at the latest after this long, at once when a newer frame of that conversation came first.
      this.#armed = { socket, conversationId: frame.conversationId, timer: setTimeout(() => this.#cut(false), between(5, 300)) };
    };
    return socket;
  }

  #onFrame(socket: TappedSocket, frame: ServerFrame, text: string): void {
    if (frame.type === 'ACK') {
      this.acks.set(frame.clientId, { conversationId: frame.conversationId, id: frame.id, seq: frame.seq, at: Date.now() });
    } else if (frame.type === 'ERROR') {
      this.errors.push({ ...frame, at: Date.now() });
    }
    const armed = this.#armed;
    if (!armed || armed.socket !== socket || !('conversationId' in frame) || frame.conversationId !== armed.conversationId) {
      socket.deliver(text);
      return;
    }
    if (frame.type === 'HISTORY') return; // held back: the client never sees it
    socket.deliver(text);
    // Newer than the SYNC point and here first: then the connection is gone.
    if (frame.type === 'NEW_MESSAGE' || frame.type === 'ACK') this.#cut(true);
  }

  #cut(afterNewer: boolean): void {
    const armed = this.#armed;
    if (!armed) return;
    clearTimeout(armed.timer);
    this.#armed = null;
    this.midSyncCuts += 1;
    if (afterNewer) this.midSyncCutsAfterNewer += 1;
    armed.socket.cut();
  }
}

export interface ChaosClientOptions {
  server: string;
  userId: string;
  /** A fixed token (no renewal), or... */
  token?: string;
  /** ...a provider the client asks for new ones. */
  tokenProvider?: () => Promise<string>;
}

/** One participant: the widget's client, its socket tap, and what it was asked to send. */
export class ChaosClient {
  readonly userId: string;
  readonly tap = new SocketTap();
  readonly client: SantaChatClient;
  /** clientId -> what was sent. */
  readonly sent = new Map<string, { conversationId: string; content: string }>();

  constructor(options: ChaosClientOptions) {
    this.userId = options.userId;
    this.client = new SantaChatClient({
      server: options.server,
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.tokenProvider !== undefined ? { tokenProvider: options.tokenProvider } : {}),
      WebSocket: this.tap.WebSocket,
      fetch,
      storage: 'memory',
    });
  }

  async connect(): Promise<void> {
    await this.client.connect();
    await until(`${this.userId} is connected`, () => this.client.state === 'connected', 30_000);
  }

  async send(conversationId: string, content: string): Promise<void> {
    const outgoing = await this.client.send(conversationId, content);
    this.sent.set(outgoing.clientId, { conversationId, content });
  }

  /** The ids of the conversations the client lists. */
  conversationIds(): string[] {
    return this.client.conversations.map((conversation) => conversation.id);
  }

  /** Messages still in the outbox (sending or failed), in every conversation. */
  pending(): number {
    let count = 0;
    for (const conversationId of this.conversationIds()) {
      for (const message of this.client.messages(conversationId)) if (message.status !== 'sent') count += 1;
    }
    return count;
  }

  /** The stored messages the client holds, by seq. */
  held(conversationId: string): Map<number, { id: string; content: string }> {
    const bySeq = new Map<number, { id: string; content: string }>();
    for (const message of this.client.messages(conversationId)) {
      if (message.status === 'sent') bySeq.set(message.seq, { id: message.id, content: message.content });
    }
    return bySeq;
  }

  stop(): void {
    this.client.disconnect();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` holds; throws naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs = 30_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(everyMs);
  }
}

/** A random integer in [min, max]. */
export function between(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}
