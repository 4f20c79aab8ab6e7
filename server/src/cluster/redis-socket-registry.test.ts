/**
 * The per-user socket limit across processes, through Redis: the oldest sockets are evicted
 * wherever they are, closed sockets and dead processes stop counting, and a restarted Redis
 * learns a process's sockets again.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkRedisServerBinary, RedisServer } from '../../../test/helpers/redis.js';
import { reportUnavailable } from '../../../test/helpers/services.js';
import type { BusEvent } from './bus.js';
import { MemoryBus } from './memory-bus.js';
import { closeRedis, connectRedis, type Redis } from './redis-connection.js';
import { createLogger } from '../core/logger.js';
import { RedisSocketRegistry } from './redis-socket-registry.js';

const redisServer = await checkRedisServerBinary();
if (redisServer.available) defineTests();
else reportUnavailable(redisServer);

function defineTests(): void {
  describe('RedisSocketRegistry', () => {
    const logger = createLogger('silent');
    let server: RedisServer;
    const connections: Redis[] = [];
    const registries: RedisSocketRegistry[] = [];

    before(async () => {
      server = await RedisServer.start();
    });
    after(async () => {
      await Promise.all(registries.map((registry) => registry.close()));
      await Promise.all(connections.map((redis) => closeRedis(redis)));
      await server.stop();
    });

    /** Processes sharing one fresh prefix and one bus (what each would publish, recorded). */
    function cluster() {
      const prefix = `sockets-${randomBytes(4).toString('hex')}`;
      const bus = new MemoryBus();
      const evicted: string[][] = [];
      bus.subscribe((event: BusEvent) => {
        if (event.type === 'evict') evicted.push(event.socketIds);
      });
      const open = async (nodeId: string, heartbeat: { heartbeatTtlMs?: number; heartbeatIntervalMs?: number } = {}) => {
        const redis = await connectRedis(server.url, { name: `test-${nodeId}`, logger });
        connections.push(redis);
        const registry = await RedisSocketRegistry.start({ redis, bus, nodeId, prefix, maxSocketsPerUser: 3, logger, ...heartbeat });
        registries.push(registry);
        return registry;
      };
      return { open, evicted };
    }

    /** Admits one socket and waits until Redis has it (so "oldest" is well defined). */
    async function admit(registry: RedisSocketRegistry, userId: string, socketId: string): Promise<void> {
      registry.admit(userId, socketId);
      await registry.idle();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }

    it("evicts the user's oldest sockets, on whichever process they are", async () => {
      const { open, evicted } = cluster();
      const a = await open('a');
      const b = await open('b');
      await admit(a, 'alice', 'a:1');
      await admit(b, 'alice', 'b:1');
      await admit(a, 'alice', 'a:2');
      await admit(b, 'bob', 'b:2');
      assert.deepEqual(evicted, []);
      await admit(b, 'alice', 'b:3');
      assert.deepEqual(evicted, [['a:1']]);
      await admit(a, 'alice', 'a:3');
      assert.deepEqual(evicted, [['a:1'], ['b:1']]);
    });

    it('forgets closed sockets', async () => {
      const { open, evicted } = cluster();
      const a = await open('a');
      const b = await open('b');
      await admit(a, 'alice', 'a:1');
      await admit(b, 'alice', 'b:1');
      await admit(a, 'alice', 'a:2');
      a.release('alice', 'a:1');
      await a.idle();
      await admit(b, 'alice', 'b:2');
      assert.deepEqual(evicted, []);
    });

    it('stops counting the sockets of a process that stopped (closed, or killed and silent)', async () => {
      const { open, evicted } = cluster();
      const a = await open('a');
      const closed = await open('closed');
      // Renews never, so its heartbeat lapses as a SIGKILLed process's would.
      const killed = await open('killed', { heartbeatTtlMs: 300, heartbeatIntervalMs: 60_000 });
      for (const id of ['closed:1', 'closed:2', 'closed:3']) await admit(closed, 'alice', id);
      await closed.close();
      for (const id of ['killed:1', 'killed:2', 'killed:3']) await admit(killed, 'bob', id);
      await new Promise((resolve) => setTimeout(resolve, 400));
      for (const id of ['a:1', 'a:2', 'a:3']) await admit(a, 'alice', id);
      for (const id of ['a:4', 'a:5', 'a:6']) await admit(a, 'bob', id);
      assert.deepEqual(evicted, []);
    });

    it('tells a restarted Redis about sockets again, keeping their age', async () => {
      const { open, evicted } = cluster();
      const a = await open('a');
      const b = await open('b');
      await admit(a, 'alice', 'a:1');
      await admit(a, 'alice', 'a:2');
      await server.restart();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const now = Date.now();
      a.restore([
        { userId: 'alice', socketId: 'a:1', openedAt: now - 2000 },
        { userId: 'alice', socketId: 'a:2', openedAt: now - 1000 },
      ]);
      await a.idle();
      await admit(b, 'alice', 'b:1');
      await admit(b, 'alice', 'b:2');
      assert.deepEqual(evicted, [['a:1']]);
    });
  });
}
