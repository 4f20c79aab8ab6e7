/**
 * A test client over a real socket: records every frame (and every byte) it receives and
 * lets a test wait for the next frame that matches.
 */
import WebSocket from 'ws';
import type { ServerFrame } from '../../protocol/index.js';

type Waiter = { match: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

export class TestClient {
  readonly socket: WebSocket;
  readonly frames: ServerFrame[] = [];
  /** Every text frame as received, for byte-level scans. */
  readonly raw: string[] = [];
  closeCode: number | null = null;
  closeReason = '';
  readonly closed: Promise<number>;
  /** Indexes of frames already returned by `next`. */
  readonly #consumed = new Set<number>();
  #waiters: Waiter[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      const frame = JSON.parse(text) as ServerFrame;
      this.frames.push(frame);
      for (const waiter of [...this.#waiters]) {
        if (waiter.match(frame)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          clearTimeout(waiter.timer);
          waiter.resolve(frame);
        }
      }
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        for (const waiter of this.#waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`socket closed ${code} ${this.closeReason} while waiting`));
        }
        this.#waiters = [];
        resolve(code);
      });
    });
  }

  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    const client = new TestClient(url, options);
    await new Promise<void>((resolve, reject) => {
      client.socket.once('open', () => resolve());
      client.socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`upgrade refused: ${response.statusCode}`)),
      );
      client.socket.once('error', reject);
    });
    return client;
  }

  /** Connects and authenticates; resolves with the READY frame. */
  static async ready(url: string, token: string): Promise<{ client: TestClient; ready: Extract<ServerFrame, { type: 'READY' }> }> {
    const client = await TestClient.connect(url);
    client.send({ type: 'AUTH', token });
    const ready = await client.next('READY');
    return { client, ready };
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * The earliest frame of `type` (and matching `where`) not yet returned by `next`; waits up
   * to `timeoutMs` for one to arrive.
   */
  next<T extends ServerFrame['type']>(
    type: T,
    where: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const match = (frame: ServerFrame): boolean =>
      frame.type === type && where(frame as Extract<ServerFrame, { type: T }>);
    for (let index = 0; index < this.frames.length; index += 1) {
      const frame = this.frames[index];
      if (frame && !this.#consumed.has(index) && match(frame)) {
        this.#consumed.add(index);
        return Promise.resolve(frame as Extract<ServerFrame, { type: T }>);
      }
    }
    return new Promise((resolve, reject) => {
      if (this.closeCode !== null) {
        reject(new Error(`socket already closed ${this.closeCode}`));
        return;
      }
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.timer !== timer);
        const unconsumed = this.frames.filter((_, index) => !this.#consumed.has(index)).map((f) => f.type);
        reject(new Error(`no ${type} frame within ${timeoutMs} ms; unconsumed: ${JSON.stringify(unconsumed)}`));
      }, timeoutMs);
      this.#waiters.push({
        match,
        resolve: (frame) => {
          this.#consumed.add(this.frames.indexOf(frame));
          resolve(frame as Extract<ServerFrame, { type: T }>);
        },
        reject,
        timer,
      });
    });
  }

  /** Marks every frame of `type` received so far as returned: the next `next(type)` waits for a later one. */
  skip(type: ServerFrame['type']): void {
    this.frames.forEach((frame, index) => {
      if (frame.type === type) this.#consumed.add(index);
    });
  }

  /** Frames of `type` received so far. */
  all<T extends ServerFrame['type']>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((frame) => frame.type === type) as Extract<ServerFrame, { type: T }>[];
  }

  async close(): Promise<void> {
    if (this.closeCode !== null) return;
    this.socket.close();
    await this.closed;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
