/**
 * Pushes `REVEAL` to the sockets of this process when the clock reaches a group's `revealAt`.
 * Timers only announce: whether a pair is revealed is always decided by its latch or the clock
 * (`store/group-plan.ts`), so a missed or late timer can delay the push but never the names in
 * READY or HTTP. A write that moves `revealAt` into the past announces what it reveals itself
 * (`ChatService.putGroup`); this scheduler announces only what the clock reveals.
 *
 * It holds one timer, for the earliest reveal still to come, and a cursor: the instant up to
 * which reveals were announced (or came before this process started, when clients get names
 * in READY). Memory and start-up do not grow with the number of groups; each tick reads the
 * conversations that came due from the store's index. Every relay process runs its own
 * scheduler for its own sockets, so no frame is doubled.
 */
import type { Logger } from './core/logger.js';
import { setTimeoutAt } from './core/long-timeout.js';
import type { RelayMetrics } from './core/metrics.js';
import type { SocketHub } from './sockets/hub.js';
import type { Store } from './store/store.js';

export interface RevealSchedulerOptions {
  store: Pick<Store, 'nextRevealAfter' | 'listRevealsDue'>;
  hub: Pick<SocketHub, 'deliver'>;
  metrics: Pick<RelayMetrics, 'revealSent'>;
  logger: Logger;
  now: () => number;
  /** For tests: how a timer is armed (default: `setTimeoutAt`, capped and re-armed). */
  setTimer?: (at: number, callback: () => void) => () => void;
}

export class RevealScheduler {
  readonly #options: RevealSchedulerOptions;
  /** Reveals at or before this instant have been announced, or predate this process. */
  #cursor = 0;
  #timer: { at: number; cancel: () => void } | null = null;
  /** Ticks and reschedules run one at a time, so no range of instants is read twice. */
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: RevealSchedulerOptions) {
    this.#options = options;
  }

  /** Arms the timer for the next reveal after now (after a restart too). */
  start(): Promise<void> {
    this.#cursor = this.#options.now();
    return this.reschedule();
  }

  /** Re-reads when the next reveal is due: after a group write, or when bus events may be lost. */
  reschedule(): Promise<void> {
    return this.#serially(() => this.#arm());
  }

  /** How many timers are armed (0 or 1): the scheduler's whole state, for tests and diagnostics. */
  get armedTimers(): number {
    return this.#timer === null ? 0 : 1;
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = null;
  }

  #serially(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(work);
    this.#queue = run.catch((error: unknown) => this.#options.logger.error({ err: error }, 'reveal scheduling failed'));
    return run;
  }

  async #arm(): Promise<void> {
    if (this.#stopped) return;
    const next = await this.#options.store.nextRevealAfter(this.#cursor);
    if (this.#stopped || next === this.#timer?.at) return;
    this.#timer?.cancel();
    this.#timer = null;
    if (next === null) return;
    const setTimer = this.#options.setTimer ?? ((at, callback) => setTimeoutAt(at, callback, this.#options.now));
    this.#timer = { at: next, cancel: setTimer(next, () => void this.#serially(() => this.#tick()).catch(() => undefined)) };
  }

  /** Announces what came due since the cursor, then arms for the next one. */
  async #tick(): Promise<void> {
    this.#timer = null;
    if (this.#stopped) return;
    const { store, hub, metrics, logger, now } = this.#options;
    const upTo = now();
    if (upTo > this.#cursor) {
      const due = await store.listRevealsDue(this.#cursor, upTo);
      this.#cursor = upTo;
      const groups = new Set<string>();
      for (const context of due) {
        if (this.#stopped) return;
        metrics.revealSent(hub.deliver({ type: 'reveal', context }, upTo));
        groups.add(context.group.id);
      }
      for (const groupId of groups) logger.info({ groupId }, 'group revealed');
    }
    await this.#arm();
  }
}
