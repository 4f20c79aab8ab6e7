/**
 * What relay processes share, chosen by `REDIS_URL`: the bus (fan-out), the per-user limits
 * and the per-user socket limit. Unset, all three live in this process (one relay);
 * set, they go through Redis so any number of relays serve one site. See docs/operating.md, "Running more
 * than one relay".
 */
import { randomBytes } from 'node:crypto';
import type { Bus } from './bus.js';
import { MemoryBus } from './memory-bus.js';
import { RedisBus } from './redis-bus.js';
import { closeRedis, connectRedis, type Redis } from './redis-connection.js';
import type { RelayLimits } from '../limits/relay-limits.js';
import type { Logger } from '../core/logger.js';
import type { RelayMetrics } from '../core/metrics.js';
import { limiterShapes, memoryLimiters, type LimiterName, type Limiters } from '../limits/limiters.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisSocketRegistry } from './redis-socket-registry.js';
import type { SocketRegistry } from '../limits/socket-registry.js';

export interface ClusterOptions {
  redisUrl: string | undefined;
  /** Redis keys and the channel start with it (default `santa-chat`). */
  redisPrefix?: string | undefined;
  limits: RelayLimits;
  logger: Logger;
  metrics: RelayMetrics;
  /** A bus made by the caller (tests); it stays the caller's to close. */
  bus?: Bus | undefined;
}

export interface Cluster {
  bus: Bus;
  /** The per-user limits, shared by every relay when Redis is there (`limits/limiters.ts`). */
  limiters: Limiters;
  /** Only with Redis: in one process the hub's own count is the socket limit. */
  socketRegistry: SocketRegistry | undefined;
  close(): Promise<void>;
}

export async function openCluster(options: ClusterOptions): Promise<Cluster> {
  const { redisUrl, limits, logger, metrics } = options;
  const nodeId = randomBytes(6).toString('hex');
  if (redisUrl === undefined) {
    const bus = options.bus ?? new MemoryBus();
    return {
      bus,
      limiters: memoryLimiters(limits),
      socketRegistry: undefined,
      close: async () => {
        if (!options.bus) await bus.close();
      },
    };
  }

  const prefix = options.redisPrefix ?? 'santa-chat';
  const bus = options.bus ?? (await RedisBus.connect({ url: redisUrl, nodeId, prefix, logger, metrics }));
  let commands: Redis;
  try {
    commands = await connectRedis(redisUrl, { name: `${prefix}:${nodeId}:commands`, logger });
  } catch (error) {
    if (!options.bus) await bus.close();
    throw error;
  }
  const socketRegistry = await RedisSocketRegistry.start({
    redis: commands,
    bus,
    nodeId,
    prefix,
    maxSocketsPerUser: limits.maxSocketsPerUser,
    logger,
  });
  logger.info({ nodeId, prefix }, 'sharing fan-out and limits with the other relays through Redis');
  return {
    bus,
    limiters: redisLimiters(commands, limits, prefix, nodeId, logger),
    socketRegistry,
    close: async () => {
      await socketRegistry.close();
      await closeRedis(commands);
      if (!options.bus) await bus.close();
    },
  };
}

function redisLimiters(redis: Redis, limits: RelayLimits, prefix: string, nodeId: string, logger: Logger): Limiters {
  const shapes = limiterShapes(limits);
  // The message limit keeps the bare prefix: its keys predate the other two.
  const limiter = (name: LimiterName, keyPrefix: string, what: string): RedisRateLimiter =>
    new RedisRateLimiter({ redis, ...shapes[name], prefix: keyPrefix, nodeId, logger, what });
  return {
    message: limiter('message', prefix, 'message rate limit'),
    request: limiter('request', `${prefix}:http`, 'HTTP request rate limit'),
    typing: limiter('typing', `${prefix}:typing`, 'typing throttle'),
  };
}
