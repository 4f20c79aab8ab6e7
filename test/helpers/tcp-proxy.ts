/**
 * A TCP proxy between one relay (or one bus) and Redis, so a test can break that one
 * connection the ways a network does: `cut` closes it and refuses new ones for a while (a
 * relay losing its route to Redis); `stall` freezes the open connections without closing them
 * (a NAT or firewall that silently forgot them), while new connections work. Given a function
 * instead of a port, it picks the target per connection, as a load balancer in front of
 * relays that come and go would (no target: the connection is refused).
 */
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';

interface Pipe {
  client: Socket;
  upstream: Socket;
}

export class TcpProxy {
  readonly #server: Server;
  readonly #pipes = new Set<Pipe>();
  #refuseUntil = 0;

  private constructor(target: number | (() => number | undefined)) {
    this.#server = createServer((client) => this.#accept(client, typeof target === 'number' ? target : target()));
  }

  static async start(target: number | (() => number | undefined)): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    proxy.#server.listen(0, '127.0.0.1');
    await once(proxy.#server, 'listening');
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy not listening');
    return address.port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Closes every connection now and refuses new ones for `refuseMs`. */
  cut(refuseMs: number): void {
    this.#refuseUntil = Date.now() + refuseMs;
    for (const pipe of this.#pipes) this.#close(pipe);
  }

  /** Freezes the open connections: bytes stop flowing both ways, nothing is closed. */
  stall(): void {
    for (const { client, upstream } of this.#pipes) {
      client.pause();
      upstream.pause();
      client.unpipe(upstream);
      upstream.unpipe(client);
    }
  }

  async close(): Promise<void> {
    for (const pipe of this.#pipes) this.#close(pipe);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket, targetPort: number | undefined): void {
    client.on('error', () => undefined);
    if (targetPort === undefined || Date.now() < this.#refuseUntil) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    upstream.on('error', () => undefined);
    const pipe = { client, upstream };
    this.#pipes.add(pipe);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => this.#close(pipe));
    upstream.on('close', () => this.#close(pipe));
  }

  #close(pipe: Pipe): void {
    this.#pipes.delete(pipe);
    pipe.client.destroy();
    pipe.upstream.destroy();
  }
}
