/**
 * Chaos 3: three relay processes on PostgreSQL and a redis-server of the test's own, behind a
 * TCP balancer that sends each new connection to a relay still running (as a load balancer
 * with health checks would). Under the ring's load, relays are SIGKILLed (and started again
 * on new ports) and Redis is SIGKILLed (and started again, empty) at random moments. The
 * widget clients (`SantaChatClient`, memory store) reconnect through the balancer. When every
 * outbox is empty: 0 acknowledged lost, 0 stored twice, no holes, one order for both sides.
 *
 * Short form in `npm test`; `SANTA_CHAT_CHAOS=long` for the long one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkRedisServerBinary } from '../helpers/redis.js';
import { checkPostgres, reportUnavailable } from '../helpers/services.js';
import { between, sleep, until } from './lib/chaos-client.js';
import { BalancedCluster } from './lib/relays.js';
import type { Ring } from './lib/ring.js';
import { assertDelivered, countDelivery, readPostgresMessages, report } from './lib/verify.js';
import { LONG, scale } from './scale.js';

const RELAYS = 3;
const CLIENTS = scale(9, 30);
const MESSAGES = scale(450, 6_000);
const RELAY_KILLS = scale(1, 8);
const REDIS_KILLS = scale(1, 4);
const ROUND_MS = scale(1500, 2500);

const [postgres, redisServer] = await Promise.all([checkPostgres(), checkRedisServerBinary()]);
if (postgres.available && redisServer.available) defineTests();
else for (const status of [postgres, redisServer]) if (!status.available) reportUnavailable(status);

function defineTests(): void {
  describe('relays and Redis killed under load (PostgreSQL + Redis, 3 relays)', { timeout: scale(150_000, 600_000) }, () => {
    let site: BalancedCluster | undefined;
    let ring: Ring | undefined;

    after(async () => {
      ring?.stop();
      await site?.stop();
    });

    it(`${RELAY_KILLS} relay kills, ${REDIS_KILLS} Redis kills, ${CLIENTS} clients, ${MESSAGES} messages: 0 lost, 0 twice, 0 gaps`, async () => {
      const startedAt = Date.now();
      site = await BalancedCluster.start({ relays: RELAYS });
      const { relays: live, redis: ownRedis } = site;
      ring = await site.ring(CLIENTS);
      const load = ring;

      // The faults in random order, one per round, each at a random moment of its round.
      const faults: ('relay' | 'redis')[] = [
        ...Array.from({ length: RELAY_KILLS }, () => 'relay' as const),
        ...Array.from({ length: REDIS_KILLS }, () => 'redis' as const),
      ].sort(() => Math.random() - 0.5);
      const rounds = faults.length + 1;
      const perClient = MESSAGES / CLIENTS;
      let relayKills = 0;
      let redisKills = 0;
      let ackedAtLastFault = 0;
      for (let round = 0; round < rounds; round += 1) {
        const share = Math.floor(((round + 1) * perClient) / rounds) - Math.floor((round * perClient) / rounds);
        const sending = load.sendAll(share, Math.floor(ROUND_MS / share));
        const fault = faults[round];
        if (fault !== undefined) {
          await sleep(between(ROUND_MS * 0.2, ROUND_MS * 0.8));
          await until(`ACKs since fault ${round}`, () => load.acked() > ackedAtLastFault, 30_000);
          ackedAtLastFault = load.acked();
          if (fault === 'relay') {
            const index = between(0, RELAYS - 1);
            await live.kill(index);
            relayKills += 1;
            await sleep(between(200, 1500));
            await live.startRelay(index);
          } else {
            await ownRedis.kill();
            redisKills += 1;
            await sleep(between(300, 2000));
            await ownRedis.restart();
          }
        }
        await sending;
      }
      const drainMs = await load.drained(scale(60_000, 180_000));

      const count = countDelivery(load.clients, await readPostgresMessages(live.schema));
      let catchUps = 0;
      let busErrors = 0;
      for (let index = 0; index < RELAYS; index += 1) {
        catchUps += await live.metric(index, 'santa_chat_catchups_total');
        busErrors += await live.metric(index, 'santa_chat_bus_errors_total');
      }
      let reconnects = 0;
      for (const client of load.clients) reconnects += client.tap.socketsOpened - 1;
      report({
        case: 'cluster-kill-postgres-redis',
        form: LONG ? 'long' : 'short',
        client: 'SantaChatClient',
        relays: RELAYS,
        clients: CLIENTS,
        relayKills,
        redisKills,
        ...count,
        reconnects,
        catchUpsOnRelaysAtEnd: catchUps,
        busErrorsOnRelaysAtEnd: busErrors,
        drainMs,
        durationMs: Date.now() - startedAt,
      });
      assert.equal(relayKills, RELAY_KILLS);
      assert.equal(redisKills, REDIS_KILLS);
      assert.ok(reconnects > 0, 'clients of killed relays reconnected through the balancer');
      assert.notEqual(drainMs, null, 'every outbox drained and every side caught up');
      assertDelivered(count, MESSAGES);
      for (let index = 0; index < RELAYS; index += 1) {
        assert.equal((await fetch(`${live.url(index)}/healthz`)).status, 200, `relay ${index} is healthy at the end`);
      }
    });
  });
}
