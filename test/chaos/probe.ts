/**
 * A lean WebSocket client for the chaos tests: it keeps only what has not been read yet, so a
 * long run holds no history, and it reports the close as an event in line with the frames,
 * so a test can say "this frame is answered by that frame, or by that close code".
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export type ProbeEvent =
  | { kind: 'frame'; frame: { type?: unknown; [field: string]: unknown }; text: string }
  | { kind: 'close'; code: number };

type Waiter = { resolve: (event: ProbeEvent) => void; timer: NodeJS.Timeout };

export class Probe {
  readonly socket: WebSocket;
  #events: ProbeEvent[] = [];
  #waiter: Waiter | undefined;
  #closed = false;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      let frame: ProbeEvent & { kind: 'frame' };
      try {
        frame = { kind: 'frame', frame: JSON.parse(text) as { type?: unknown }, text };
      } catch {
        frame = { kind: 'frame', frame: { type: '(relay sent a frame that is not JSON)' }, text };
      }
      this.#push(frame);
    });
    socket.on('close', (code: number) => {
      this.#closed = true;
      this.#push({ kind: 'close', code });
    });
    socket.on('error', () => undefined);
  }

  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<Probe> {
    const socket = new WebSocket(url, options);
    const probe = new Probe(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(probe));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Opens a socket, sends AUTH with `token` and waits for READY. */
  static async ready(url: string, token: string): Promise<Probe> {
    const probe = await Probe.open(url);
    probe.send(JSON.stringify({ type: 'AUTH', token }));
    await probe.nextWhere((event) => event.kind === 'frame' && event.frame.type === 'READY');
    return probe;
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(data: string | Uint8Array, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** The next frame or close; fails after `timeoutMs` without one. */
  next(timeoutMs = 5000): Promise<ProbeEvent> {
    const event = this.#events.shift();
    if (event !== undefined) return Promise.resolve(event);
    if (this.#waiter !== undefined) throw new Error('Probe.next: one reader at a time');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`no frame and no close within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiter = { resolve, timer };
    });
  }

  /** The next event that matches, dropping the ones before it; a close that does not match fails. */
  async nextWhere(match: (event: ProbeEvent) => boolean, timeoutMs = 5000): Promise<ProbeEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.next(Math.max(1, deadline - Date.now()));
      if (match(event)) return event;
      if (event.kind === 'close') throw new Error(`socket closed ${event.code} while waiting`);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close();
    await closed;
  }

  #push(event: ProbeEvent): void {
    const waiter = this.#waiter;
    if (waiter === undefined) {
      this.#events.push(event);
      return;
    }
    this.#waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.resolve(event);
  }
}

/**
 * Two well-behaved participants chatting while a test abuses the relay: `sender` posts in
 * `conversationId`, one message at a time, and each round trip (the sender's ACK and the
 * delivery to `receiver`) is recorded in milliseconds.
 */
export class Bystanders {
  readonly roundTripsMs: number[] = [];
  readonly #sender: Probe;
  readonly #receiver: Probe;
  readonly #conversationId: string;
  #running: Promise<void> | undefined;
  #failure: unknown;
  #stopping = false;

  constructor(sender: Probe, receiver: Probe, conversationId: string) {
    this.#sender = sender;
    this.#receiver = receiver;
    this.#conversationId = conversationId;
  }

  /** One message there and back; resolves with its round trip. */
  async exchange(timeoutMs = 10_000): Promise<number> {
    const clientId = randomUUID();
    const content = `still here ${clientId}`;
    const startedAt = performance.now();
    this.#sender.send(JSON.stringify({ type: 'NEW_MESSAGE', conversationId: this.#conversationId, content, clientId }));
    await Promise.all([
      this.#sender.nextWhere((event) => event.kind === 'frame' && event.frame.type === 'ACK' && event.frame.clientId === clientId, timeoutMs),
      this.#receiver.nextWhere(
        (event) => event.kind === 'frame' && event.frame.type === 'NEW_MESSAGE' && event.frame.content === content,
        timeoutMs,
      ),
    ]);
    const roundTripMs = performance.now() - startedAt;
    this.roundTripsMs.push(roundTripMs);
    return roundTripMs;
  }

  /** Keeps exchanging, with `pauseMs` between messages, until `stop()`. */
  start(pauseMs = 10): void {
    this.#running = (async () => {
      while (!this.#stopping) {
        await this.exchange();
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    })().catch((error: unknown) => {
      this.#failure = error;
    });
  }

  /** Stops the loop; rejects if an exchange failed (a lost or late message). */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async close(): Promise<void> {
    await Promise.all([this.#sender.close(), this.#receiver.close()]);
  }
}
