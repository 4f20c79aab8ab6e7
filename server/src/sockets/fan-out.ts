/**
 * Routes what the bus carries to this process's parts: conversation events to the sockets
 * (through the hub, built per viewer by `views/frames.ts`), group writes to the reveal
 * scheduler and to the members' sockets (a fresh READY through catch-up), and a `resync`
 * (events may have been lost) to the registry, the scheduler and catch-up. Returns the
 * unsubscribe function.
 */
import type { Bus } from '../cluster/bus.js';
import type { Logger } from '../core/logger.js';
import type { RelayMetrics } from '../core/metrics.js';
import type { CatchUp } from './catch-up.js';
import type { SocketHub } from './hub.js';

export interface FanOutParts {
  bus: Pick<Bus, 'subscribe'>;
  hub: Pick<SocketHub, 'deliver' | 'reregister'>;
  /** The reveal scheduler (`reveal.ts`): re-reads when the next reveal is due. */
  reveals: { reschedule(): Promise<void> };
  catchUp: Pick<CatchUp, 'all' | 'users'>;
  metrics: Pick<RelayMetrics, 'revealSent'>;
  logger: Logger;
  now: () => number;
}

export function routeBusEvents(parts: FanOutParts): () => void {
  const { bus, hub, reveals, catchUp, metrics, logger, now } = parts;
  return bus.subscribe((event) => {
    switch (event.type) {
      case 'group':
        // The scheduler logs its own failures; nothing more to do here.
        reveals.reschedule().catch(() => undefined);
        if (event.userIds && event.userIds.length > 0) {
          catchUp.users(event.userIds).catch((error: unknown) => logger.error({ err: error, groupId: event.groupId }, 'group refresh failed'));
        }
        return;
      case 'resync':
        hub.reregister();
        reveals.reschedule().catch(() => undefined);
        catchUp.all().catch((error: unknown) => logger.error({ err: error }, 'catch-up failed'));
        return;
      case 'reveal':
        metrics.revealSent(hub.deliver(event, now()));
        return;
      default:
        hub.deliver(event, now());
    }
  });
}
