/**
 * The per-user socket limit across relay processes, in Redis: one sorted set per user of
 * `nodeId:connectionNumber`, scored by when the socket authenticated (Redis's clock, so the
 * processes agree on "oldest"). Admitting a socket over the limit removes the oldest entries
 * and publishes an `evict` event; the process holding each evicted socket closes it 4409.
 *
 * A process killed with SIGKILL cannot remove its entries, so each process keeps a heartbeat
 * in one hash (`nodeId` -> expiry); entries of a process whose heartbeat expired are dropped
 * whenever the user's set is read. Node ids are random per process start.
 */
import type { Bus } from './bus.js';
import { OutageLog, RedisScript, type Redis } from './redis-connection.js';
import type { Logger } from '../core/logger.js';
import type { RegisteredSocket, SocketRegistry } from '../limits/socket-registry.js';

/** How often a process renews its heartbeat, and how long one lasts. */
const HEARTBEAT_INTERVAL_MS = 5000;
const HEARTBEAT_TTL_MS = 15_000;
/** A user's set disappears a day after the last socket was admitted (kept alive by new sockets). */
const SET_TTL_MS = 24 * 3600 * 1000;

const NOW_MS = `
redis.replicate_commands()
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * KEYS[1] the user's set, KEYS[2] the heartbeat hash; ARGV socketId, limit, nodeId, heartbeat
 * ttl, set ttl. Returns the evicted socket ids, oldest first.
 */
const ADMIT = new RedisScript(`${NOW_MS}
redis.call('HSET', KEYS[2], ARGV[3], now + tonumber(ARGV[4]))
redis.call('ZADD', KEYS[1], now, ARGV[1])
local live = {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local node = string.match(member, '^(.*):[^:]*$')
  local expires = tonumber(redis.call('HGET', KEYS[2], node) or 0)
  if expires < now then redis.call('ZREM', KEYS[1], member) else live[#live + 1] = member end
end
local evicted = {}
for index = 1, #live - tonumber(ARGV[2]) do
  evicted[#evicted + 1] = live[index]
  redis.call('ZREM', KEYS[1], live[index])
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return evicted
`);

/** KEYS[1] the user's set, KEYS[2] the heartbeat hash; ARGV socketId, age ms, nodeId, heartbeat ttl, set ttl. */
const RESTORE = new RedisScript(`${NOW_MS}
redis.call('HSET', KEYS[2], ARGV[3], now + tonumber(ARGV[4]))
redis.call('ZADD', KEYS[1], 'NX', now - tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 0
`);

/** KEYS[1] the heartbeat hash; ARGV nodeId, ttl. Renews this process and forgets expired ones. */
const HEARTBEAT = new RedisScript(`${NOW_MS}
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
local nodes = redis.call('HGETALL', KEYS[1])
for index = 1, #nodes, 2 do
  if tonumber(nodes[index + 1]) < now then redis.call('HDEL', KEYS[1], nodes[index]) end
end
return 0
`);

export interface RedisSocketRegistryOptions {
  redis: Redis;
  bus: Bus;
  nodeId: string;
  prefix: string;
  maxSocketsPerUser: number;
  logger: Logger;
  heartbeatIntervalMs?: number;
  heartbeatTtlMs?: number;
}

export class RedisSocketRegistry implements SocketRegistry {
  readonly nodeId: string;
  readonly #options: RedisSocketRegistryOptions;
  readonly #outage: OutageLog;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #heartbeatTtlMs: number;
  #closed = false;

  /** Registers this process's heartbeat before any socket is admitted. */
  static async start(options: RedisSocketRegistryOptions): Promise<RedisSocketRegistry> {
    const registry = new RedisSocketRegistry(options);
    await registry.#beat();
    return registry;
  }

  private constructor(options: RedisSocketRegistryOptions) {
    this.nodeId = options.nodeId;
    this.#options = options;
    this.#heartbeatTtlMs = options.heartbeatTtlMs ?? HEARTBEAT_TTL_MS;
    this.#outage = new OutageLog(options.logger, 'socket limit (falling back to this relay alone)');
    this.#heartbeat = setInterval(() => void this.#beat(), options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
    this.#heartbeat.unref();
  }

  admit(userId: string, socketId: string): void {
    const { maxSocketsPerUser } = this.#options;
    this.#track(
      ADMIT.run(this.#options.redis, [this.#userKey(userId), this.#nodesKey()], [
        socketId,
        maxSocketsPerUser,
        this.nodeId,
        this.#heartbeatTtlMs,
        SET_TTL_MS,
      ]).then(async (evicted) => {
        const socketIds = (evicted as string[]) ?? [];
        if (socketIds.length > 0) await this.#options.bus.publish({ type: 'evict', userId, socketIds });
      }),
    );
  }

  release(userId: string, socketId: string): void {
    this.#track(this.#options.redis.zrem(this.#userKey(userId), socketId));
  }

  restore(sockets: readonly RegisteredSocket[]): void {
    const now = Date.now();
    for (const socket of sockets) {
      this.#track(
        RESTORE.run(this.#options.redis, [this.#userKey(socket.userId), this.#nodesKey()], [
          socket.socketId,
          Math.max(0, now - socket.openedAt),
          this.nodeId,
          this.#heartbeatTtlMs,
          SET_TTL_MS,
        ]),
      );
    }
  }

  /** Resolves when every Redis call issued so far has settled (evictions published). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  /** Stops the heartbeat and removes it, so this process's sockets stop counting at once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    await this.idle();
    await this.#options.redis.hdel(this.#nodesKey(), this.nodeId).catch(() => undefined);
  }

  async #beat(): Promise<void> {
    if (this.#closed) return;
    const beat = HEARTBEAT.run(this.#options.redis, [this.#nodesKey()], [this.nodeId, this.#heartbeatTtlMs]);
    this.#track(beat);
    await beat.catch(() => undefined);
  }

  /** Runs a Redis call without making the socket wait; failures are logged once per outage. */
  #track(operation: Promise<unknown>): void {
    const settled = operation.then(
      () => this.#outage.recovered(),
      (error: unknown) => this.#outage.failed(error),
    );
    this.#pending.add(settled);
    void settled.finally(() => this.#pending.delete(settled));
  }

  #userKey(userId: string): string {
    return `${this.#options.prefix}:sockets:${userId}`;
  }

  #nodesKey(): string {
    return `${this.#options.prefix}:nodes`;
  }
}
