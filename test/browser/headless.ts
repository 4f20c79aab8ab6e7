/**
 * A participant without a widget, driven from the page over a raw WebSocket and `fetch`: the
 * other side of a conversation whose widget a test inspects (it keeps nothing in IndexedDB or
 * the DOM), and a client that sends what the widget itself refuses to send.
 */
import type { Conversation, ServerFrame } from '../../protocol/browser.js';
import { relayInfo, tokenFor, until } from './harness.js';

type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export class RawParticipant {
  readonly userId: string;
  readonly frames: ServerFrame[] = [];
  readonly #socket: WebSocket;
  readonly #server: string;
  readonly #consumed = new Set<number>();

  private constructor(userId: string, server: string, socket: WebSocket) {
    this.userId = userId;
    this.#server = server;
    this.#socket = socket;
    socket.addEventListener('message', (event: MessageEvent) => this.frames.push(JSON.parse(String(event.data)) as ServerFrame));
  }

  /** Opens a socket (the page's own `WebSocket`, unless another is given) and waits for READY. */
  static async connect(userId: string, SocketClass: typeof WebSocket = WebSocket): Promise<RawParticipant> {
    const { url } = await relayInfo();
    const socket = new SocketClass(`${url.replace(/^http/, 'ws')}/ws`);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });
    const participant = new RawParticipant(userId, url, socket);
    participant.send({ type: 'AUTH', token: await tokenFor(userId) });
    await participant.next('READY');
    return participant;
  }

  send(frame: unknown): void {
    this.#socket.send(JSON.stringify(frame));
  }

  /** The earliest frame of `type` matching `where` not returned before; waits for one. */
  async next<T extends ServerFrame['type']>(type: T, where: (frame: Frame<T>) => boolean = () => true, timeoutMs = 5000): Promise<Frame<T>> {
    let found = -1;
    const find = (): boolean => {
      found = this.frames.findIndex((frame, index) => !this.#consumed.has(index) && frame.type === type && where(frame as Frame<T>));
      return found >= 0;
    };
    await until(find, `${this.userId} receives ${type}`, timeoutMs);
    this.#consumed.add(found);
    return this.frames[found] as Frame<T>;
  }

  /** NEW_MESSAGE over the socket; resolves with the relay's ACK, or its ERROR for `clientId`. */
  async sendMessage(conversationId: string, content: string): Promise<Frame<'ACK'> | Frame<'ERROR'>> {
    const clientId = crypto.randomUUID();
    this.send({ type: 'NEW_MESSAGE', conversationId, content, clientId });
    await until(
      () => this.frames.some((frame) => (frame.type === 'ACK' || frame.type === 'ERROR') && frame.clientId === clientId),
      `${this.userId}: ACK or ERROR of a send`,
    );
    return this.frames.find((frame) => (frame.type === 'ACK' || frame.type === 'ERROR') && frame.clientId === clientId) as Frame<'ACK'> | Frame<'ERROR'>;
  }

  /** A participant API call with a fresh token. */
  async api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.#server}${path}`, {
      method,
      headers: { authorization: `Bearer ${await tokenFor(this.userId)}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** POST /groups/:groupId/conversation: the conversation with one's giftee or santa. */
  async conversation(groupId: string, withRole: 'giftee' | 'santa'): Promise<Conversation> {
    const { body } = await this.api<{ conversation: Conversation }>('POST', `/groups/${encodeURIComponent(groupId)}/conversation`, { with: withRole });
    return body.conversation;
  }

  close(): void {
    this.#socket.close();
  }
}
