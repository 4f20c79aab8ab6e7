/**
 * A host's webhook endpoint on a real HTTP port (port 0): records every delivery as received
 * (raw body and headers) and answers with what the test's `respond` says (200 by default).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '../../protocol/index.js';
import { verifyWebhook } from '../../server/src/host/index.js';

/** A fixed Standard Webhooks test secret (`whsec_` + base64 of 32 bytes). */
export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from('santa-chat-webhook-test-secret-0').toString('base64')}`;

export interface Delivery {
  id: string;
  timestamp: string;
  signature: string;
  headers: IncomingHttpHeaders;
  body: string;
  event: WebhookEvent;
  /** The status the receiver answered. */
  answered: number;
}

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  respond: (delivery: Omit<Delivery, 'answered'>, index: number) => number = () => 200;
  readonly #server: Server;
  #waiters: { match: (delivery: Delivery) => boolean; resolve: () => void }[] = [];

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = (name: string): string => String(request.headers[name] ?? '');
        const received = {
          id: header('webhook-id'),
          timestamp: header('webhook-timestamp'),
          signature: header('webhook-signature'),
          headers: request.headers,
          body,
          event: JSON.parse(body) as WebhookEvent,
        };
        const answered = receiver.respond(received, receiver.deliveries.length);
        const delivery = { ...received, answered };
        receiver.deliveries.push(delivery);
        response.writeHead(answered, { 'content-type': 'text/plain' }).end('ok');
        for (const waiter of [...receiver.#waiters]) {
          if (waiter.match(delivery)) {
            receiver.#waiters.splice(receiver.#waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
  }

  /** Deliveries of `type` (every attempt, failed ones too). */
  ofType<T extends WebhookEvent['type']>(type: T): (Delivery & { event: Extract<WebhookEvent, { type: T }> })[] {
    return this.deliveries.filter((delivery) => delivery.event.type === type) as (Delivery & {
      event: Extract<WebhookEvent, { type: T }>;
    })[];
  }

  /** Resolves once `count` deliveries match (already received ones count). */
  async waitFor(match: (delivery: Delivery) => boolean, count = 1, timeoutMs = 10_000): Promise<Delivery[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.deliveries.filter(match);
      if (matching.length >= count) return matching;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} matching deliveries within ${timeoutMs} ms, got ${matching.length}: ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push({ match, resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
  }

  /** Verifies a delivery's signature as a host would. */
  verify(delivery: Delivery, secret = TEST_WEBHOOK_SECRET): WebhookEvent {
    return verifyWebhook(delivery.body, delivery.headers as Record<string, string>, secret);
  }

  summary(): string {
    return JSON.stringify(this.deliveries.map((delivery) => [delivery.id, delivery.event.type, delivery.answered]));
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
