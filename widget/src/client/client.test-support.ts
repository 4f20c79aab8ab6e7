/**
 * Test doubles for the client's tests: a WebSocket the test drives by hand (open, frames in,
 * close with a code) that records every frame the client sends, and protocol fixtures. No
 * Node APIs, so browser tests can use it too.
 */
import type { ClientFrame, Conversation, Message, ServerFrame } from '../../../protocol/browser.js';

class FakeCloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string) {
    super('close');
    this.code = code;
    this.reason = reason;
  }
}

export class FakeSocket extends EventTarget {
  readonly url: string;
  readyState = 0;
  readonly sent: ClientFrame[] = [];
  /** The code the client closed with, if it did. */
  closedByClient: number | null = null;

  constructor(url: string) {
    super();
    this.url = url;
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as ClientFrame);
  }

  close(code = 1000): void {
    if (this.readyState === 3) return;
    this.closedByClient = code;
    this.readyState = 3;
  }

  // What the test (playing the network and the relay) does.

  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }

  deliver(frame: ServerFrame | Record<string, unknown>): void {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }

  /** The relay (or the network) closes the socket, with the relay's close reason if it gave one. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.dispatchEvent(new FakeCloseEvent(code, reason));
  }

  framesOf<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((frame) => frame.type === type) as Extract<ClientFrame, { type: T }>[];
  }
}

/** A WebSocket class for one test, and every socket made with it. */
export function fakeNetwork() {
  const sockets: FakeSocket[] = [];
  class WebSocketDouble extends FakeSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return {
    WebSocket: WebSocketDouble as unknown as typeof WebSocket,
    sockets,
    /** The newest socket; fails when the client made none. */
    get socket(): FakeSocket {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('the client opened no socket');
      return socket;
    },
  };
}

/**
 * Lets pending promise callbacks run: one macrotask that mocked timers do not hold back
 * (setImmediate in Node, a channel message in a browser).
 */
export function flush(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) {
      immediate(resolve);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function base64Url(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An unsigned JWT-shaped token: the client only reads its claims. */
export function makeToken(claims: Record<string, unknown>): string {
  return `${base64Url({ alg: 'HS256', typ: 'JWT' })}.${base64Url(claims)}.signature`;
}

export const NOW = Date.parse('2026-12-01T12:00:00.000Z');

export function tokenFor(userId: string, expiresInSeconds = 3600, now = NOW): string {
  return makeToken({ sub: userId, exp: Math.floor(now / 1000) + expiresInSeconds });
}

export function conversation(id: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id,
    groupId: 'office',
    groupName: 'Office 2026',
    participants: ['alice', 'bob'],
    createdAt: '2026-11-01T10:00:00.000Z',
    role: 'santa',
    self: { id: 'alice', name: 'Alice' },
    peer: { id: 'bob', name: 'Bob', anonymous: false },
    revealAt: '2026-12-24T18:00:00.000Z',
    revealed: false,
    unread: 0,
    lastMessage: null,
    closed: false,
    ...overrides,
  };
}

export function message(conversationId: string, seq: number, senderId: string, overrides: Partial<Message> = {}): Message {
  return {
    id: `${conversationId}-m${seq}`,
    conversationId,
    seq,
    senderId,
    content: `message ${seq}`,
    timestamp: new Date(NOW + seq * 1000).toISOString(),
    ...overrides,
  };
}

export function ready(conversations: Conversation[], userId = 'alice'): ServerFrame {
  return {
    type: 'READY',
    userId,
    protocol: 1,
    conversations,
    unreadTotal: conversations.reduce((total, c) => total + c.unread, 0),
  };
}

/** Opens the client's newest socket and answers its AUTH with READY; returns that socket. */
export async function openAndReady(network: ReturnType<typeof fakeNetwork>, conversations: Conversation[], userId = 'alice'): Promise<FakeSocket> {
  await flush();
  const socket = network.socket;
  socket.open();
  await flush();
  socket.deliver(ready(conversations, userId));
  await flush();
  return socket;
}
