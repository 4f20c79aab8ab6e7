/**
 * Three relay processes sharing PostgreSQL and a redis-server of the test's own, each reaching
 * Redis through a proxy of its own, under a steady load of six senders whose giftees sit on
 * other relays. Then something breaks: a relay is SIGKILLed, Redis restarts, or one relay's
 * connection to Redis is cut. Every case ends with the same count: of the acknowledged
 * messages 0 are lost and 0 duplicated, every conversation's seq is gapless, and every
 * sender and receiver holds every message.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Message } from '../protocol/index.js';
import { sleep } from './helpers/client.js';
import { checkRedisServerBinary, RedisServer } from './helpers/redis.js';
import { RelayCluster, ringGroup, token } from './helpers/relay-cluster.js';
import { ResilientClient } from './helpers/resilient-client.js';
import { checkPostgres, reportUnavailable } from './helpers/services.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

const USERS = 6;
const MESSAGES_PER_USER = 50;
const SEND_INTERVAL_MS = 15;

const [postgres, redisServer] = await Promise.all([checkPostgres(), checkRedisServerBinary()]);
if (postgres.available && redisServer.available) defineTests();
else for (const status of [postgres, redisServer]) if (!status.available) reportUnavailable(status);

interface LoadReport {
  acknowledged: number;
  stored: number;
  /** Acknowledged messages missing from the store. */
  lost: number;
  /** Stored messages beyond one per sent message. */
  duplicated: number;
  clients: ResilientClient[];
}

function defineTests(): void {
  describe('relays that fail under load', { timeout: 60_000 }, () => {
    let redis: RedisServer;
    let proxies: TcpProxy[] = [];
    let cluster: RelayCluster | undefined;
    let clients: ResilientClient[] = [];

    before(async () => {
      redis = await RedisServer.start();
    });
    after(async () => {
      await redis.stop();
    });

    async function startCluster(): Promise<RelayCluster> {
      proxies = await Promise.all([0, 1, 2].map(() => TcpProxy.start(redis.port)));
      cluster = await RelayCluster.start({
        redisUrls: proxies.map((proxy) => proxy.url),
        env: { SANTA_CHAT_RATE_MESSAGES: '100000' },
      });
      return cluster;
    }

    afterEach(async () => {
      for (const client of clients) client.stop();
      clients = [];
      await cluster?.stop();
      cluster = undefined;
      await Promise.all(proxies.map((proxy) => proxy.close()));
    });

    /**
     * A ring of six: u(i) writes to u(i+1), who sits on the next relay. Each sends its messages
     * at a steady pace; `disrupt` runs a third of the way in. Resolves once every message is
     * acknowledged and every sender and receiver holds all of them.
     */
    async function converseUnderLoad(live: RelayCluster, disrupt: () => Promise<void>): Promise<LoadReport> {
      assert.equal((await live.putGroup('ring', ringGroup(USERS))).status, 201);
      const conversationIds: string[] = [];
      for (let index = 0; index < USERS; index += 1) conversationIds.push(await live.openConversation(`u${index}`, 'ring', index % 3));
      clients = Array.from(
        { length: USERS },
        (_, index) => new ResilientClient({ userId: `u${index}`, token: token(`u${index}`), urls: () => live.liveWsUrls(), start: index % 3 }),
      );
      await Promise.all(clients.map((client) => client.start()));

      const sending = clients.map(async (client, index) => {
        for (let number = 0; number < MESSAGES_PER_USER; number += 1) {
          client.send(conversationIds[index]!, `u${index} #${number}`, `u${index}-${number}`);
          await sleep(SEND_INTERVAL_MS);
        }
      });
      await sleep((MESSAGES_PER_USER * SEND_INTERVAL_MS) / 3);
      await disrupt();
      await Promise.all(sending);

      const all = Array.from({ length: MESSAGES_PER_USER }, (_, index) => index + 1);
      for (const [index, client] of clients.entries()) {
        await client.waitFor(() => client.acks.size === MESSAGES_PER_USER, 'every ACK', 20_000);
        const receiver = clients[(index + 1) % USERS]!;
        const conversationId = conversationIds[index]!;
        const holdsAll = (holder: ResilientClient) => holder.seqs(conversationId).length === MESSAGES_PER_USER;
        await client.waitFor(() => holdsAll(client), 'its own messages', 20_000);
        await receiver.waitFor(() => holdsAll(receiver), `every message of ${client.userId}`, 20_000);
        assert.deepEqual(receiver.seqs(conversationId), all);
      }

      let acknowledged = 0;
      let stored = 0;
      let lost = 0;
      let duplicated = 0;
      const reader = live.firstRunning();
      for (const [index, client] of clients.entries()) {
        const messages: Message[] = await live.history(conversationIds[index]!, client.userId, reader);
        assert.deepEqual(messages.map((message) => message.seq), all.slice(0, messages.length), 'seq is gapless');
        const storedIds = new Map(messages.map((message) => [message.id, message.seq]));
        for (const ack of client.acks.values()) {
          acknowledged += 1;
          if (storedIds.get(ack.id) !== ack.seq) lost += 1;
        }
        stored += messages.length;
        // Each sent message has content of its own: a second copy would show it twice.
        duplicated += messages.length - new Set(messages.map((message) => message.content)).size;
      }
      return { acknowledged, stored, lost, duplicated, clients };
    }

    function assertNothingLostOrDoubled(report: LoadReport): void {
      assert.equal(report.acknowledged, USERS * MESSAGES_PER_USER);
      assert.equal(report.lost, 0, 'acknowledged messages lost');
      assert.equal(report.duplicated, 0, 'messages stored twice');
      assert.equal(report.stored, USERS * MESSAGES_PER_USER);
      for (const client of report.clients) assert.equal(client.duplicateLiveFrames, 0, `${client.userId} got a NEW_MESSAGE twice on one socket`);
    }

    it('kill -9 one relay under load: its clients reconnect to another, 0 acknowledged lost, 0 duplicated', async () => {
      const live = await startCluster();
      const report = await converseUnderLoad(live, () => live.kill(0));
      assertNothingLostOrDoubled(report);
      for (const index of [0, 3]) assert.ok(report.clients[index]!.reconnects >= 1, `u${index} moved to another relay`);
      for (const index of [1, 2, 4, 5]) assert.equal(report.clients[index]!.reconnects, 0);
    });

    it('Redis restarts under load: /healthz says so, relays catch their clients up, 0 lost', async () => {
      const live = await startCluster();
      const report = await converseUnderLoad(live, async () => {
        await redis.kill();
        const deadline = Date.now() + 3000;
        let health: { status: number; body: unknown } = { status: 0, body: null };
        while (Date.now() < deadline && health.status !== 503) {
          const response = await fetch(`${live.url(1)}/healthz`);
          health = { status: response.status, body: await response.json() };
        }
        assert.deepEqual(health, { status: 503, body: { ok: false, store: 'ok', redis: 'unreachable' } });
        await sleep(300);
        await redis.restart();
      });
      assertNothingLostOrDoubled(report);
      for (const relay of [0, 1, 2]) {
        assert.ok((await live.metric(relay, 'santa_chat_catchups_total')) > 0, `relay ${relay} caught its clients up`);
        const response = await fetch(`${live.url(relay)}/healthz`);
        assert.equal(response.status, 200);
      }
      let errors = 0;
      for (const relay of [0, 1, 2]) errors += await live.metric(relay, 'santa_chat_bus_errors_total');
      assert.ok(errors > 0, 'publishes that failed while Redis was away are counted');
    });

    it("one relay's connection to Redis is cut under load: it and the others catch up, 0 lost", async () => {
      const live = await startCluster();
      const report = await converseUnderLoad(live, async () => {
        proxies[1]!.cut(800);
      });
      assertNothingLostOrDoubled(report);
      // Relay 1 missed what the others published; the others missed what relay 1 could not publish.
      for (const relay of [0, 1, 2]) {
        assert.ok((await live.metric(relay, 'santa_chat_catchups_total')) > 0, `relay ${relay} caught its clients up`);
      }
      assert.ok((await live.metric(1, 'santa_chat_bus_errors_total')) > 0);
      for (const client of report.clients) assert.equal(client.reconnects, 0, 'no client had to move');
    });
  });
}
