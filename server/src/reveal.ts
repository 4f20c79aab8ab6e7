/**
 * Pushes `REVEAL` to the sockets of this process when a group's `revealAt` arrives. Timers
 * only announce: whether a group is revealed is always decided by the clock in `views.ts`,
 * so a missed or late timer can delay the push but never the names in READY or HTTP.
 * Every relay process runs its own scheduler for its own sockets, so no frame is doubled.
 */
import type { Logger } from './logger.js';
import { setTimeoutAt } from './long-timeout.js';
import type { RelayMetrics } from './metrics.js';
import type { SocketHub } from './relay/hub.js';
import type { Store } from './store/store.js';
import { isRevealed, viewParticipants, viewPeer } from './views.js';

export interface RevealSchedulerOptions {
  store: Store;
  hub: SocketHub;
  metrics: RelayMetrics;
  logger: Logger;
  now: () => number;
}

export class RevealScheduler {
  readonly #options: RevealSchedulerOptions;
  /** Pending announcements by group, with the instant each is armed for. */
  readonly #armed = new Map<string, { at: number; cancel: () => void }>();
  /** Groups announced by this process: reveal is one-way, so never twice. */
  readonly #announced = new Set<string>();
  #stopped = false;

  constructor(options: RevealSchedulerOptions) {
    this.#options = options;
  }

  /** Arms a timer for every group still to be revealed (after a restart too). */
  async start(): Promise<void> {
    const now = this.#options.now();
    for (const entry of await this.#options.store.listRevealSchedule()) {
      if (entry.revealedAt === null && entry.revealAt > now) this.#arm(entry.groupId, entry.revealAt);
    }
  }

  /**
   * Re-reads a group after a write. A pending reveal whose date moved into the past is
   * announced now; a group revealed before it had a pending timer needs no push (clients
   * that connect later get the names in READY).
   */
  async refresh(groupId: string): Promise<void> {
    if (this.#stopped) return;
    const group = await this.#options.store.getGroup(groupId);
    const pending = this.#armed.get(groupId);
    if (!group) {
      pending?.cancel();
      this.#armed.delete(groupId);
      this.#announced.delete(groupId);
      return;
    }
    if (isRevealed(group, this.#options.now())) {
      if (pending) await this.#announce(groupId);
      return;
    }
    if (pending?.at !== group.revealAt) this.#arm(groupId, group.revealAt);
  }

  /**
   * Re-reads every group's schedule after `group` events may have been lost on the bus: arms
   * what moved, announces what came due while a timer waited for a later date, and forgets
   * groups that were erased.
   */
  async reload(): Promise<void> {
    if (this.#stopped) return;
    const schedule = await this.#options.store.listRevealSchedule();
    const now = this.#options.now();
    const present = new Set(schedule.map((entry) => entry.groupId));
    for (const [groupId, pending] of this.#armed) {
      if (present.has(groupId)) continue;
      pending.cancel();
      this.#armed.delete(groupId);
    }
    for (const entry of schedule) {
      const pending = this.#armed.get(entry.groupId);
      if (entry.revealedAt !== null || entry.revealAt <= now) {
        if (pending) await this.#announce(entry.groupId);
      } else if (pending?.at !== entry.revealAt) {
        this.#arm(entry.groupId, entry.revealAt);
      }
    }
  }

  #arm(groupId: string, at: number): void {
    this.#armed.get(groupId)?.cancel();
    const cancel = setTimeoutAt(
      at,
      () => {
        this.#announce(groupId).catch((error: unknown) =>
          this.#options.logger.error({ err: error, groupId }, 'reveal announcement failed'),
        );
      },
      this.#options.now,
    );
    this.#armed.set(groupId, { at, cancel });
  }

  async #announce(groupId: string): Promise<void> {
    const { store, hub, metrics, now } = this.#options;
    this.#armed.get(groupId)?.cancel();
    this.#armed.delete(groupId);
    if (this.#stopped || this.#announced.has(groupId)) return;
    const group = await store.getGroup(groupId);
    if (!group) return;
    const instant = now();
    if (!isRevealed(group, instant)) {
      this.#arm(groupId, group.revealAt);
      return;
    }
    this.#announced.add(groupId);
    for (const context of await store.listGroupConversations(groupId)) {
      hub.sendToParticipants(context, (viewerId) => {
        metrics.revealSent();
        return {
          type: 'REVEAL',
          conversationId: context.conversation.id,
          alias: context.conversation.alias,
          participants: viewParticipants(context, viewerId, instant),
          peer: viewPeer(context, viewerId, instant),
        };
      });
    }
    this.#options.logger.info({ groupId }, 'group revealed');
  }

  stop(): void {
    this.#stopped = true;
    for (const { cancel } of this.#armed.values()) cancel();
    this.#armed.clear();
  }
}
