/**
 * What relay processes share, chosen by `REDIS_URL`: the bus (fan-out), the per-user message
 * rate limit and the per-user socket limit. Unset, all three live in this process (one relay);
 * set, they go through Redis so any number of relays serve one site. See README, "Running more
 * than one relay".
 */
import { randomBytes } from 'node:crypto';
import type { Bus } from './bus/bus.js';
import { MemoryBus } from './bus/memory.js';
import { RedisBus } from './bus/redis.js';
import { closeRedis, connectRedis, type Redis } from './bus/redis-connection.js';
import type { RelayLimits } from './config.js';
import type { Logger } from './logger.js';
import type { RelayMetrics } from './metrics.js';
import { MemoryRateLimiter, type RateLimiter } from './relay/rate-limiter.js';
import { RedisRateLimiter } from './relay/redis-rate-limiter.js';
import { RedisSocketRegistry } from './relay/redis-socket-registry.js';
import type { SocketRegistry } from './relay/socket-registry.js';

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

/** The participant API's request limit is per minute (PROTOCOL.md §4). */
const HTTP_WINDOW_MS = 60_000;

export interface Cluster {
  /** Random per process start: names this process's sockets and events in Redis. */
  nodeId: string;
  bus: Bus;
  messageLimiter: RateLimiter;
  /** The per-user HTTP request rate of the participant API. */
  requestLimiter: RateLimiter;
  /** One relayed TYPING per interval per user and conversation. */
  typingLimiter: RateLimiter;
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
      nodeId,
      bus,
      messageLimiter: new MemoryRateLimiter(limits.rateMessages, limits.rateWindowMs),
      requestLimiter: new MemoryRateLimiter(limits.httpRequestsPerMinute, HTTP_WINDOW_MS),
      typingLimiter: new MemoryRateLimiter(1, limits.typingIntervalMs),
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
    nodeId,
    bus,
    messageLimiter: new RedisRateLimiter({
      redis: commands,
      limit: limits.rateMessages,
      windowMs: limits.rateWindowMs,
      prefix,
      nodeId,
      logger,
      what: 'message rate limit',
    }),
    requestLimiter: new RedisRateLimiter({
      redis: commands,
      limit: limits.httpRequestsPerMinute,
      windowMs: HTTP_WINDOW_MS,
      prefix: `${prefix}:http`,
      nodeId,
      logger,
      what: 'HTTP request rate limit',
    }),
    typingLimiter: new RedisRateLimiter({
      redis: commands,
      limit: 1,
      windowMs: limits.typingIntervalMs,
      prefix: `${prefix}:typing`,
      nodeId,
      logger,
      what: 'typing throttle',
    }),
    socketRegistry,
    close: async () => {
      await socketRegistry.close();
      await closeRedis(commands);
      if (!options.bus) await bus.close();
    },
  };
}
