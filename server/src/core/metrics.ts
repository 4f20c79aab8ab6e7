/**
 * Prometheus metrics of one relay. Each relay owns its registry, so several relays in one
 * process (tests, benchmarks) do not share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class RelayMetrics {
  readonly registry = new Registry();
  readonly #connections: Gauge;
  readonly #authenticatedConnections: Gauge;
  readonly #messagesStored: Counter;
  readonly #framesReceived: Counter;
  readonly #errorsByCode: Counter<'code'>;
  readonly #ackLatency: Histogram;
  readonly #reveals: Counter;
  readonly #busPublished: Counter;
  readonly #busReceived: Counter;
  readonly #busErrors: Counter;
  readonly #catchUps: Counter;
  readonly #webhookAttempts: Counter<'type' | 'outcome'>;
  readonly #webhookEvents: Counter<'type'>;
  readonly #webhookPending: Gauge;

  constructor({ defaultMetrics = false }: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
    const counter = (name: string, help: string) => new Counter({ name, help, registers });
    this.#connections = gauge('santa_chat_connections', 'Open WebSocket connections.');
    this.#authenticatedConnections = gauge('santa_chat_authenticated_connections', 'WebSocket connections that completed AUTH.');
    this.#messagesStored = counter('santa_chat_messages_stored_total', 'Messages durably stored.');
    this.#framesReceived = counter('santa_chat_frames_received_total', 'WebSocket frames received from clients.');
    this.#errorsByCode = new Counter({
      name: 'santa_chat_errors_total',
      help: 'Refusals sent to clients (ERROR frames and HTTP error bodies), by code.',
      labelNames: ['code'],
      registers,
    });
    this.#ackLatency = new Histogram({
      name: 'santa_chat_ack_latency_seconds',
      help: 'Time from a message reaching the store to its durable commit (when the ACK can go).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.#reveals = counter('santa_chat_reveals_total', 'REVEAL frames sent.');
    this.#busPublished = counter('santa_chat_bus_published_total', 'Events this relay published to the other relays (Redis pub/sub).');
    this.#busReceived = counter('santa_chat_bus_received_total', 'Events received from the other relays (Redis pub/sub).');
    this.#busErrors = counter(
      'santa_chat_bus_errors_total',
      'Bus failures: publishes Redis did not take, undecodable messages, failed re-subscriptions.',
    );
    this.#catchUps = counter('santa_chat_catchups_total', 'Sockets caught up from the store after events may have been lost on the bus.');
    this.#webhookAttempts = new Counter({
      name: 'santa_chat_webhook_attempts_total',
      help: 'Webhook delivery attempts by this relay, by event type and outcome (delivered, retry, failed: given up).',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.#webhookEvents = new Counter({
      name: 'santa_chat_webhook_events_total',
      help: 'Webhook events this relay queued: unread notices it turned into events, and reports (reveals are scheduled by the group write).',
      labelNames: ['type'],
      registers,
    });
    this.#webhookPending = gauge(
      'santa_chat_webhook_pending',
      'Webhook events in the queue not yet delivered nor given up (all relays: one database), as last counted.',
    );
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  socketOpened(): void {
    this.#connections.inc();
  }

  socketClosed(wasAuthenticated: boolean): void {
    this.#connections.dec();
    if (wasAuthenticated) this.#authenticatedConnections.dec();
  }

  socketAuthenticated(): void {
    this.#authenticatedConnections.inc();
  }

  frameReceived(): void {
    this.#framesReceived.inc();
  }

  messageStored(commitSeconds: number): void {
    this.#messagesStored.inc();
    this.#ackLatency.observe(commitSeconds);
  }

  refused(code: string): void {
    this.#errorsByCode.inc({ code });
  }

  revealSent(frames = 1): void {
    if (frames > 0) this.#reveals.inc(frames);
  }

  busPublished(): void {
    this.#busPublished.inc();
  }

  busReceived(): void {
    this.#busReceived.inc();
  }

  busFailed(): void {
    this.#busErrors.inc();
  }

  caughtUp(): void {
    this.#catchUps.inc();
  }

  webhookAttempted(type: string, outcome: 'delivered' | 'retry' | 'failed'): void {
    this.#webhookAttempts.inc({ type, outcome });
  }

  webhookQueued(type: string): void {
    this.#webhookEvents.inc({ type });
  }

  webhookPending(count: number): void {
    this.#webhookPending.set(count);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
