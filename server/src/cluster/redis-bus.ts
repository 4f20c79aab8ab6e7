/**
 * The bus on Redis pub/sub (`REDIS_URL`), so several relay processes serve one site.
 *
 * One channel carries every event as `{ node, event }`. The publishing process hands the
 * event to its own subscribers at once (lowest latency, and it works while Redis is away) and
 * ignores the echo Redis sends back. Pub/sub keeps nothing for a subscriber that is away, so
 * whenever events may have been lost, `resync` tells the relay to catch up from the store:
 * - this process's subscription came back after a drop (it missed what others published);
 * - this process failed to publish (the others missed it): once Redis takes a publish again,
 *   a `resync` goes to every other process;
 * - the subscription went silent without the socket noticing (a half-open connection): a
 *   probe published every few seconds must come back, or the subscriber reconnects.
 * See docs/decisions/0006-redis-fan-out-and-catch-up.md.
 */
import type { Logger } from '../core/logger.js';
import type { Bus, BusEvent, BusHandler, BusHealth, BusMetrics } from './bus.js';
import { closeRedis, connectRedis, OutageLog, type Redis } from './redis-connection.js';

export interface RedisBusOptions {
  url: string;
  /** This process's id, unique among the relays (no `:`). */
  nodeId: string;
  /** Keys and the channel start with it (default `santa-chat`), so deployments can share a Redis. */
  prefix?: string;
  logger: Logger;
  metrics?: BusMetrics;
  /** How often the subscription is proven alive by a probe (default 5 s). */
  probeIntervalMs?: number;
}

/** What travels on the channel: an event, or a probe that only its sender listens for. */
type Envelope = { node: string; event: BusEvent } | { node: string; probe: number };

const NO_METRICS: BusMetrics = { busPublished() {}, busReceived() {}, busFailed() {} };
/** A failed publish is followed by a `resync` as soon as Redis takes one; retried this often. */
const RESYNC_RETRY_MS = 250;
/** On close, publishes still on their way get this long to finish. */
const CLOSE_FLUSH_MS = 1000;

export class RedisBus implements Bus {
  readonly nodeId: string;
  readonly channel: string;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #logger: Logger;
  readonly #metrics: BusMetrics;
  readonly #handlers = new Set<BusHandler>();
  readonly #publishing = new Set<Promise<void>>();
  readonly #publishOutage: OutageLog;
  readonly #probeTimer: NodeJS.Timeout;
  readonly #probeIntervalMs: number;
  /** When the oldest probe that Redis accepted and that has not come back was sent. */
  #probeOutstandingSince: number | null = null;
  #probeNumber = 0;
  #resyncNoticeTimer: NodeJS.Timeout | undefined;
  /** Publishes that failed so far: a failure after a notice went out needs another notice. */
  #failedPublishes = 0;
  /** Connections being dropped on purpose, so a slow close is not asked for twice. */
  readonly #reconnecting = new Set<Redis>();
  #closed = false;

  /** Opens the publishing and the subscribing connection and subscribes; rejects when Redis is unreachable. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const prefix = options.prefix ?? 'santa-chat';
    // The probe below watches both connections, so neither needs the generic PING watchdog.
    const publisher = await connectRedis(options.url, {
      name: `${prefix}:${options.nodeId}:publish`,
      logger: options.logger,
      watchdogIntervalMs: 0,
    });
    let subscriber: Redis;
    try {
      subscriber = await connectRedis(options.url, {
        name: `${prefix}:${options.nodeId}:events`,
        logger: options.logger,
        watchdogIntervalMs: 0,
      });
      await subscriber.subscribe(`${prefix}:events`);
    } catch (error) {
      await closeRedis(publisher);
      throw error;
    }
    return new RedisBus(options, publisher, subscriber);
  }

  private constructor(options: RedisBusOptions, publisher: Redis, subscriber: Redis) {
    this.nodeId = options.nodeId;
    this.channel = `${options.prefix ?? 'santa-chat'}:events`;
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#logger = options.logger;
    this.#metrics = options.metrics ?? NO_METRICS;
    this.#publishOutage = new OutageLog(options.logger, 'bus publish');
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.#receive(text);
    });
    // `ready` again means the connection dropped and came back: subscribe, then catch up.
    subscriber.on('ready', () => {
      this.#resubscribe().catch((error: unknown) => this.#logger.error({ err: error }, 'bus resubscribe failed'));
    });
    this.#probeIntervalMs = options.probeIntervalMs ?? 5000;
    this.#probeTimer = setInterval(() => this.#probe(), this.#probeIntervalMs);
    this.#probeTimer.unref();
  }

  async publish(event: BusEvent): Promise<void> {
    this.#deliver(event);
    this.#send({ node: this.nodeId, event });
  }

  subscribe(handler: BusHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  async health(): Promise<BusHealth> {
    if (this.#publisher.status !== 'ready' || this.#subscriber.status !== 'ready') return 'unreachable';
    try {
      await this.#publisher.ping();
      return 'ok';
    } catch {
      return 'unreachable';
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#probeTimer);
    clearTimeout(this.#resyncNoticeTimer);
    const flushDeadline = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_FLUSH_MS).unref());
    await Promise.race([Promise.allSettled([...this.#publishing]), flushDeadline]);
    this.#handlers.clear();
    await Promise.all([closeRedis(this.#publisher), closeRedis(this.#subscriber)]);
  }

  /** Sends without making the caller wait: a message is ACKed once stored, whatever Redis does. */
  #send(envelope: Envelope): void {
    if (this.#closed) return;
    const sending = this.#publisher.publish(this.channel, JSON.stringify(envelope)).then(
      () => {
        this.#metrics.busPublished();
        this.#publishOutage.recovered();
      },
      (error: unknown) => this.#publishFailed(error),
    );
    this.#publishing.add(sending);
    void sending.finally(() => this.#publishing.delete(sending));
  }

  #publishFailed(error: unknown): void {
    this.#metrics.busFailed();
    this.#publishOutage.failed(error);
    this.#failedPublishes += 1;
    this.#scheduleResyncNotice();
  }

  /** The other processes missed what this one could not publish: tell them once Redis is back. */
  #scheduleResyncNotice(): void {
    if (this.#resyncNoticeTimer !== undefined || this.#closed) return;
    this.#resyncNoticeTimer = setTimeout(() => {
      const envelope: Envelope = { node: this.nodeId, event: { type: 'resync' } };
      const covered = this.#failedPublishes;
      this.#publisher.publish(this.channel, JSON.stringify(envelope)).then(
        () => {
          this.#resyncNoticeTimer = undefined;
          this.#publishOutage.recovered();
          this.#logger.info('bus: told the other relays to catch up after failed publishes');
          if (this.#failedPublishes > covered) this.#scheduleResyncNotice();
        },
        () => {
          this.#resyncNoticeTimer = undefined;
          this.#scheduleResyncNotice();
        },
      );
    }, RESYNC_RETRY_MS);
    this.#resyncNoticeTimer.unref();
  }

  #receive(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch (error) {
      this.#metrics.busFailed();
      this.#logger.error({ err: error }, 'bus: dropped a message that is not JSON');
      return;
    }
    if (envelope.node === this.nodeId) {
      // Our own echo: already delivered here; it proves the subscription alive.
      this.#probeOutstandingSince = null;
      return;
    }
    if (!('event' in envelope)) return;
    this.#metrics.busReceived();
    this.#deliver(envelope.event);
  }

  #deliver(event: BusEvent): void {
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch (error) {
        this.#logger.error({ err: error, type: event.type }, 'bus handler failed');
      }
    }
  }

  async #resubscribe(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#subscriber.subscribe(this.channel);
    } catch (error) {
      // The connection dropped again; its next `ready` tries again.
      this.#metrics.busFailed();
      this.#logger.warn({ err: error }, 'bus: could not subscribe again; retrying on the next connection');
      return;
    }
    this.#probeOutstandingSince = null;
    this.#logger.info('bus: subscribed again; catching up from the store');
    this.#deliver({ type: 'resync' });
  }

  /**
   * A connection can go silent without its socket noticing (a NAT or firewall forgot it). So a
   * probe is published every interval: Redis must take it, or the publishing connection is
   * made again; and it must come back within two intervals, or the subscription is.
   */
  #probe(): void {
    if (this.#closed) return;
    const now = Date.now();
    if (this.#probeOutstandingSince !== null && now - this.#probeOutstandingSince > 2 * this.#probeIntervalMs) {
      this.#probeOutstandingSince = null;
      if (this.#subscriber.status === 'ready') this.#reconnect(this.#subscriber, 'the subscription went silent');
    }
    if (this.#publisher.status !== 'ready') return;
    const probe: Envelope = { node: this.nodeId, probe: (this.#probeNumber += 1) };
    this.#publisher.publish(this.channel, JSON.stringify(probe)).then(
      () => {
        this.#probeOutstandingSince ??= now;
      },
      () => {
        if (!this.#closed && this.#publisher.status === 'ready') this.#reconnect(this.#publisher, 'Redis did not take a probe');
      },
    );
  }

  #reconnect(redis: Redis, why: string): void {
    if (this.#reconnecting.has(redis)) return;
    this.#reconnecting.add(redis);
    redis.once('close', () => this.#reconnecting.delete(redis));
    this.#logger.warn(`bus: ${why}; reconnecting`);
    redis.disconnect(true);
  }
}
