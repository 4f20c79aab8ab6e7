/**
 * RedisBus against a real redis-server of the test's own (so it can be killed and restarted),
 * with a TCP proxy where one bus's connection must break alone.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkRedisServerBinary, RedisServer } from '../../../test/helpers/redis.js';
import { reportUnavailable } from '../../../test/helpers/services.js';
import { TcpProxy } from '../../../test/helpers/tcp-proxy.js';
import { createLogger } from '../core/logger.js';
import type { BusEvent, BusMetrics } from './bus.js';
import { RedisBus } from './redis-bus.js';

const redisServer = await checkRedisServerBinary();
if (redisServer.available) defineTests();
else reportUnavailable(redisServer);

class Counted implements BusMetrics {
  published = 0;
  received = 0;
  failed = 0;
  busPublished(): void {
    this.published += 1;
  }
  busReceived(): void {
    this.received += 1;
  }
  busFailed(): void {
    this.failed += 1;
  }
}

/** A bus with everything it hears recorded. */
async function openBus(url: string, prefix: string, nodeId: string, probeIntervalMs?: number) {
  const metrics = new Counted();
  const bus = await RedisBus.connect({
    url,
    nodeId,
    prefix,
    logger: createLogger('silent'),
    metrics,
    ...(probeIntervalMs !== undefined ? { probeIntervalMs } : {}),
  });
  const events: BusEvent[] = [];
  bus.subscribe((event) => events.push(event));
  return { bus, metrics, events };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function untilHealth(bus: RedisBus, wanted: 'ok' | 'unreachable'): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await bus.health()) !== wanted) {
    if (Date.now() > deadline) throw new Error(`health never became ${wanted}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const group = (groupId: string): BusEvent => ({ type: 'group', groupId });
const count = (events: BusEvent[], type: BusEvent['type']): number => events.filter((event) => event.type === type).length;

function defineTests(): void {
  describe('RedisBus', () => {
    let server: RedisServer;
    const prefix = (): string => `test-${randomBytes(4).toString('hex')}`;

    before(async () => {
      server = await RedisServer.start();
    });
    after(async () => {
      await server.stop();
    });

    it('delivers each event once to every process: at once to its own, through Redis to the others', async () => {
      const channel = prefix();
      const a = await openBus(server.url, channel, 'a');
      const b = await openBus(server.url, channel, 'b');
      try {
        await a.bus.publish(group('g1'));
        // The publisher's own subscribers have it before publish resolves.
        assert.deepEqual(a.events, [group('g1')]);
        await until(() => b.events.length === 1, 'b to receive');
        await b.bus.publish(group('g2'));
        await until(() => a.events.length === 2, 'a to receive');
        await new Promise((resolve) => setTimeout(resolve, 200));
        // Echoes of one's own events are ignored: still exactly one copy each.
        assert.deepEqual(a.events, [group('g1'), group('g2')]);
        assert.deepEqual(b.events, [group('g1'), group('g2')]);
        assert.equal(a.metrics.published, 1);
        assert.equal(a.metrics.received, 1);
        assert.equal(b.metrics.received, 1);
        assert.equal(await a.bus.health(), 'ok');
      } finally {
        await Promise.all([a.bus.close(), b.bus.close()]);
      }
    });

    it('keeps deployments with different prefixes apart', async () => {
      const a = await openBus(server.url, prefix(), 'a');
      const other = await openBus(server.url, prefix(), 'b');
      try {
        await a.bus.publish(group('g1'));
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(other.events.length, 0);
      } finally {
        await Promise.all([a.bus.close(), other.bus.close()]);
      }
    });

    it('survives a Redis restart: publish never throws, health says so, and every bus resyncs', async () => {
      const channel = prefix();
      const a = await openBus(server.url, channel, 'a');
      const b = await openBus(server.url, channel, 'b');
      try {
        await server.kill();
        await untilHealth(a.bus, 'unreachable');
        const startedAt = Date.now();
        await a.bus.publish(group('while-down'));
        assert.ok(Date.now() - startedAt < 100, 'publish does not wait for Redis');
        assert.deepEqual(a.events, [group('while-down')], 'local subscribers still get it');
        await until(() => a.metrics.failed >= 1, 'the failed publish to be counted');

        await server.restart();
        await until(() => count(a.events, 'resync') >= 1 && count(b.events, 'resync') >= 1, 'both to resync');
        await untilHealth(a.bus, 'ok');
        // Subscribed again: events flow.
        await a.bus.publish(group('after'));
        await until(() => b.events.some((event) => event.type === 'group' && event.groupId === 'after'), 'b to receive');
        assert.equal(count(b.events, 'group'), 1, 'the event published while Redis was down is lost on the bus');
      } finally {
        await Promise.all([a.bus.close(), b.bus.close()]);
      }
    });

    it('tells the other processes to resync when it could not publish', async () => {
      const channel = prefix();
      const proxy = await TcpProxy.start(server.port);
      const a = await openBus(proxy.url, channel, 'a');
      const b = await openBus(server.url, channel, 'b');
      try {
        proxy.cut(1500);
        // Long enough for the client to see its connection closed.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await a.bus.publish(group('lost'));
        await until(() => a.metrics.failed >= 1, 'the failed publish');
        // b's own connection never dropped; only a's notice tells it to catch up.
        await until(() => count(b.events, 'resync') === 1, 'b to be told to resync');
        assert.equal(count(b.events, 'group'), 0);
        await until(() => count(a.events, 'resync') >= 1, 'a to resync after its own reconnect');
      } finally {
        await Promise.all([a.bus.close(), b.bus.close()]);
        await proxy.close();
      }
    });

    it('reconnects a subscription that went silent without closing, and resyncs', async () => {
      const channel = prefix();
      const proxy = await TcpProxy.start(server.port);
      const a = await openBus(proxy.url, channel, 'a', 200);
      const b = await openBus(server.url, channel, 'b');
      try {
        proxy.stall();
        await until(() => count(a.events, 'resync') >= 1, 'a to notice and resync', 8000);
        await b.bus.publish(group('after'));
        await until(() => a.events.some((event) => event.type === 'group'), 'a to hear b again');
      } finally {
        await Promise.all([a.bus.close(), b.bus.close()]);
        await proxy.close();
      }
    });
  });
}
