/**
 * The relay's webhook loop (docs/decisions/0017-webhook-queue.md), off the message path: every
 * `pollMs` it turns due unread notices into events and claims due events to send. Each relay
 * runs one; with several relays on one PostgreSQL the notice's conditional update and the
 * claim's lease (`FOR UPDATE SKIP LOCKED`) make each event one relay's.
 */
import { randomBytes } from 'node:crypto';
import { WEBHOOK_DEFAULTS, type WebhookConfig } from './config.js';
import type { Logger } from '../core/logger.js';
import type { RelayMetrics } from '../core/metrics.js';
import type { Store, WebhookEventRecord } from '../store/store.js';
import { unreadEvent } from '../views/webhook-events.js';
import { WebhookSender } from './sender.js';

const HOUR_MS = 3600_000;
/** Retries stop this long after the first failed attempt; the event is then `failed`. */
export const GIVE_UP_AFTER_MS = 24 * HOUR_MS;
/** The longest wait between two attempts. */
const MAX_BACKOFF_MS = HOUR_MS;
/** Notices turned into events per round (each `pollMs`), in chunks of this many. */
const NOTICES_PER_ROUND = 500;
const NOTICES_PER_CHUNK = 10;
const CONCURRENT_ATTEMPTS = 16;

/** Exponential, capped, with jitter: half the step plus a random part of the other half. */
export function backoffMs(attempts: number, baseMs: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export interface WebhookWorkerOptions {
  store: Store;
  config: WebhookConfig;
  metrics: RelayMetrics;
  logger: Logger;
  now: () => number;
}

export class WebhookWorker {
  readonly #store: Store;
  readonly #config: WebhookConfig;
  readonly #metrics: RelayMetrics;
  readonly #logger: Logger;
  readonly #now: () => number;
  #sender: WebhookSender | null = null;
  readonly #timeoutMs: number;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  /** This relay's claims carry it; an outcome is recorded only while the claim is still ours. */
  readonly #claimToken = randomBytes(12).toString('base64url');
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  /** The last claim filled every free slot: more events may be due than one round took. */
  #backlog = false;
  #stopped = false;

  constructor(options: WebhookWorkerOptions) {
    this.#store = options.store;
    this.#config = options.config;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
    this.#now = options.now;
    const timeoutMs = options.config.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs;
    this.#timeoutMs = timeoutMs;
    this.#pollMs = options.config.pollMs ?? WEBHOOK_DEFAULTS.pollMs;
    // Well past one attempt's timeout: a claim expires only when its relay is gone or stuck.
    this.#leaseMs = Math.max(60_000, timeoutMs * 3);
  }

  /** `relayUrl`: the relay's own, against which a webhook URL that is a path is resolved. */
  start(relayUrl: string): void {
    const url = this.#config.url.startsWith('/') ? new URL(this.#config.url, relayUrl).toString() : this.#config.url;
    this.#sender = new WebhookSender(url, this.#config.secret, this.#timeoutMs);
    // Node loads its fetch (undici) on the first call, ~40 ms of this thread: at start-up, not
    // in the middle of the traffic whose first notice falls due.
    void fetch('data:,').catch(() => undefined);
    this.#schedule(0);
  }

  /** Stops polling; attempts under way get a moment, then are cut (their lease lets another try). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    await this.#ticking;
    const settled = Promise.allSettled([...this.#inFlight]);
    const grace = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([settled, grace]);
    this.#abort.abort();
    await settled;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#ticking = this.tick().finally(() => {
        this.#ticking = null;
        this.#schedule(this.#pollMs);
      });
    }, delayMs);
    this.#timer.unref();
  }

  /** One round: due notices into events, due events claimed and sent (not awaited), the gauge. */
  async tick(): Promise<void> {
    try {
      await this.#sweepNotices();
      const room = CONCURRENT_ATTEMPTS - this.#inFlight.size;
      if (room > 0 && !this.#stopped && this.#sender !== null) {
        const claimed = await this.#store.claimWebhookEvents(this.#now(), this.#leaseMs, room, this.#claimToken);
        this.#backlog = claimed.length === room;
        for (const event of claimed) this.#track(this.#attempt(event));
      }
      this.#metrics.webhookPending(await this.#store.countPendingWebhookEvents());
    } catch (error) {
      this.#logger.error({ err: error }, 'webhook queue round failed');
    }
  }

  /**
   * In small chunks, yielding to the event loop between them: a round that finds many notices
   * due never holds the thread (or one batch of the writer) for long while messages wait.
   */
  async #sweepNotices(): Promise<void> {
    for (let swept = 0; swept < NOTICES_PER_ROUND && !this.#stopped; ) {
      const now = this.#now();
      const due = await this.#store.listUnreadNoticesDue(now, NOTICES_PER_CHUNK);
      if (due.length === 0) return;
      const settlements = due.map((notice) => ({
        conversationId: notice.context.conversation.id,
        readerId: notice.readerId,
        event: unreadEvent(notice, now, this.#config.previews),
      }));
      const settled = await this.#store.settleUnreadNotices(settlements, now);
      settlements.forEach((settlement, index) => {
        if (settled[index] && settlement.event !== null) this.#metrics.webhookQueued(settlement.event.type);
      });
      swept += due.length;
      if (due.length < NOTICES_PER_CHUNK) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * When an attempt ends while a backlog is waiting, the next round starts at once instead of
   * at the next poll: a queue of many due events drains at the receiver's pace, not at
   * CONCURRENT_ATTEMPTS per `pollMs`.
   */
  #track(attempt: Promise<void>): void {
    this.#inFlight.add(attempt);
    void attempt.finally(() => {
      this.#inFlight.delete(attempt);
      if (this.#backlog && this.#ticking === null && !this.#stopped) {
        this.#backlog = false;
        this.#schedule(0);
      }
    });
  }

  async #attempt(event: WebhookEventRecord): Promise<void> {
    try {
      const result = await this.#sender!.send(event.id, event.payload, new Date(this.#now()), this.#abort.signal);
      if (this.#abort.signal.aborted && !result.delivered) return;
      const attemptedAt = this.#now();
      if (result.delivered) {
        await this.#store.recordWebhookAttempt(event.id, this.#claimToken, {
          status: 'delivered',
          lastStatus: result.status,
          attemptedAt,
          nextAttemptAt: attemptedAt,
          firstFailedAt: event.firstFailedAt,
        });
        this.#metrics.webhookAttempted(event.type, 'delivered');
        return;
      }
      const firstFailedAt = event.firstFailedAt ?? attemptedAt;
      const givingUp = attemptedAt - firstFailedAt >= GIVE_UP_AFTER_MS;
      await this.#store.recordWebhookAttempt(event.id, this.#claimToken, {
        status: givingUp ? 'failed' : 'pending',
        lastStatus: result.status,
        attemptedAt,
        nextAttemptAt: attemptedAt + backoffMs(event.attempts + 1, this.#config.retryBaseMs),
        firstFailedAt,
      });
      this.#metrics.webhookAttempted(event.type, givingUp ? 'failed' : 'retry');
      const about = { webhookId: event.id, type: event.type, attempts: event.attempts + 1, lastStatus: result.status };
      if (givingUp) {
        this.#logger.error(about, 'webhook given up after 24 h of failures');
      } else if (attemptedAt - firstFailedAt >= HOUR_MS && (event.lastAttemptAt ?? 0) - firstFailedAt < HOUR_MS) {
        this.#logger.warn(about, 'webhook has been failing for an hour');
      }
    } catch (error) {
      // The lease runs out and another round (of any relay) tries again.
      this.#logger.error({ err: error, webhookId: event.id }, 'webhook attempt could not be recorded');
    }
  }
}
