/**
 * Repairs delivery after events may have been lost on the bus (a `resync`): every ready socket
 * of this process gets a fresh `READY` (conversations opened or closed, unread counts and read
 * cursors as the store has them) and, per conversation, a `HISTORY` of the messages after the
 * last one it surely has. The widget treats a READY on a live socket as a refresh and merges
 * HISTORY by `seq`, SYNCing on while `hasMore`; any client that dedupes by `seq` is served.
 *
 * One socket is caught up alone when it was sent a message above one it never got and the
 * gap is still open after a grace period: the missing message's relay died between its
 * commit and its publish, and no `resync` will come for that. The sockets of a group's
 * members are refreshed the same way after the group is written (`users`).
 */
import { LIMITS } from '../../../protocol/index.js';
import type { ChatService } from '../chat/service.js';
import type { Logger } from '../core/logger.js';
import type { RelayMetrics } from '../core/metrics.js';
import { historyFrame } from '../views/frames.js';
import type { Connection } from './connection.js';
import type { SocketHub } from './hub.js';
import { buildReady } from './ready.js';

export interface CatchUpOptions {
  service: ChatService;
  hub: SocketHub;
  metrics: RelayMetrics;
  logger: Logger;
  /** Sockets caught up at once, so a resync does not flood the store (default 16). */
  concurrency?: number;
  /** How long a gap may stay open before the socket is caught up (default 1.5 s). */
  gapGraceMs?: number;
}

export class CatchUp {
  readonly #options: CatchUpOptions;
  #running: Promise<void> | null = null;
  #again = false;
  readonly #gapChecks = new Set<Connection>();

  constructor(options: CatchUpOptions) {
    this.#options = options;
    options.hub.watchGaps((connection) => this.#checkGapLater(connection));
  }

  /**
   * Catches up every ready socket. Calls while a round runs coalesce into one more round after
   * it, which reads the store after the latest call (a burst of resyncs costs two rounds).
   */
  all(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#round();
        } while (this.#again);
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  /**
   * A fresh READY (and what each socket may lack) for every ready socket of these users on
   * this process: a group of theirs was written, so their `groups` changed.
   */
  users(userIds: readonly string[]): Promise<void> {
    return this.#each(userIds.flatMap((userId) => [...this.#options.hub.socketsOf(userId)]));
  }

  /** Messages published at the same time arrive a few ms apart; a gap that outlives that is a loss. */
  #checkGapLater(connection: Connection): void {
    if (this.#gapChecks.has(connection)) return;
    this.#gapChecks.add(connection);
    const timer = setTimeout(() => {
      this.#gapChecks.delete(connection);
      if (connection.isReady && connection.delivered.hasGap()) void this.#inQueue(connection);
    }, this.#options.gapGraceMs ?? 1500);
    timer.unref();
  }

  #round(): Promise<void> {
    return this.#each([...this.#options.hub.all()]);
  }

  /** Catches up `connections`, at most `concurrency` at once. */
  async #each(connections: readonly Connection[]): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < connections.length) {
        const connection = connections[next++];
        if (connection) await this.#inQueue(connection);
      }
    };
    await Promise.all(Array.from({ length: this.#options.concurrency ?? 16 }, worker));
  }

  /** In the socket's frame queue, so it never interleaves with that socket's AUTH or SYNC. */
  #inQueue(connection: Connection): Promise<void> {
    return new Promise((resolve) => {
      const queued = connection.enqueue(async () => {
        try {
          await this.connection(connection);
        } catch (error) {
          this.#options.logger.error({ err: error, connection: connection.number }, 'catch-up failed');
        } finally {
          resolve();
        }
      });
      // A socket with a full queue is flooding and is being closed 1008: nothing to catch up.
      if (!queued) resolve();
    });
  }

  /** Sends one socket a fresh READY and the messages it may lack. */
  async connection(connection: Connection): Promise<void> {
    const { service, metrics } = this.#options;
    const userId = connection.userId;
    if (!connection.isReady || userId === null) return;
    const { frame, overviews } = await buildReady(service, userId);
    if (!connection.isReady) return;
    const now = service.now();
    connection.send(frame);
    connection.delivered.retainOnly(new Set(overviews.map((overview) => overview.conversation.id)));
    for (const overview of overviews) {
      const conversationId = overview.conversation.id;
      const after = connection.delivered.through(conversationId);
      if (overview.conversation.lastSeq <= after) continue;
      const page = await service.messagesAfter(conversationId, after, LIMITS.syncPageMax);
      if (!connection.isReady) return;
      connection.delivered.sentPage(conversationId, after, page.messages.map((message) => message.seq));
      connection.send(historyFrame(overview, page.messages, page.hasMore, userId, now));
    }
    metrics.caughtUp();
  }
}
