/**
 * The message rate limit shared through Redis: one window per user across processes (each
 * limiter here has its own connection, as each relay process would), and the fallback to a
 * process's own window while Redis is away.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkRedisServerBinary, RedisServer } from '../../../test/helpers/redis.js';
import { reportUnavailable } from '../../../test/helpers/services.js';
import { closeRedis, connectRedis, type Redis } from './redis-connection.js';
import { createLogger } from '../core/logger.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

const redisServer = await checkRedisServerBinary();
if (redisServer.available) defineTests();
else reportUnavailable(redisServer);

function defineTests(): void {
  describe('RedisRateLimiter', () => {
    const logger = createLogger('silent');
    let server: RedisServer;
    const connections: Redis[] = [];

    before(async () => {
      server = await RedisServer.start();
    });
    after(async () => {
      await Promise.all(connections.map((redis) => closeRedis(redis)));
      await server.stop();
    });

    /** Two processes' limiters on one fresh prefix: 5 messages per 10 s. */
    async function pair(): Promise<[RedisRateLimiter, RedisRateLimiter]> {
      const prefix = `rate-${randomBytes(4).toString('hex')}`;
      const open = async (nodeId: string): Promise<RedisRateLimiter> => {
        const redis = await connectRedis(server.url, { name: `test-${nodeId}`, logger });
        connections.push(redis);
        return new RedisRateLimiter({ redis, limit: 5, windowMs: 10_000, prefix, nodeId, logger, what: 'message rate limit' });
      };
      return [await open('a'), await open('b')];
    }

    it('holds one window per user across processes', async () => {
      const [a, b] = await pair();
      for (const at of [1000, 1001, 1002]) assert.equal(await a.take('alice', at), 0);
      for (const at of [1003, 1004]) assert.equal(await b.take('alice', at), 0);
      // Full: the oldest slot (1000) frees at 11000.
      assert.equal(await b.take('alice', 2000), 9000);
      assert.equal(await a.take('alice', 2000), 9000);
      // Another user has a window of their own.
      assert.equal(await b.take('bob', 2000), 0);
    });

    it('gives a released slot back to every process', async () => {
      const [a, b] = await pair();
      for (const at of [1000, 1001, 1002, 1003, 1004]) assert.equal(await a.take('alice', at), 0);
      assert.ok((await b.take('alice', 1500)) > 0);
      await a.release('alice', 1002);
      assert.equal(await b.take('alice', 1500), 0);
      assert.ok((await a.take('alice', 1501)) > 0);
    });

    it('slides: slots older than the window free up', async () => {
      const [a, b] = await pair();
      for (const at of [1000, 1001, 1002, 1003, 1004]) assert.equal(await a.take('alice', at), 0);
      assert.equal(await b.take('alice', 10_999), 1);
      assert.equal(await b.take('alice', 11_000), 0);
      assert.equal(await b.take('alice', 11_001), 0);
      assert.ok((await a.take('alice', 11_001)) > 0);
    });

    it('falls back to its own window while Redis is unreachable, and never throws', async () => {
      const [a] = await pair();
      await server.kill();
      try {
        for (const at of [1000, 1001, 1002, 1003, 1004]) assert.equal(await a.take('alice', at), 0);
        assert.equal(await a.take('alice', 1005), 9995);
        await a.release('alice', 1004);
        assert.equal(await a.take('alice', 1006), 0);
      } finally {
        await server.restart();
      }
    });
  });
}
