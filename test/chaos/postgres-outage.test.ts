/**
 * Chaos 4: PostgreSQL unreachable for a while under load. The relays reach it through a TCP
 * proxy that the test cuts: every connection closes and new ones are refused for the outage.
 * The widget clients (`SantaChatClient`, memory store) keep sending. No ACK may be sent for
 * anything not stored (every ACKed clientId, those received during the outage too, is in the
 * database with that id and seq); the store's failures reach the clients as retriable
 * `INTERNAL` errors, the relays neither hang nor crash and report the outage on /healthz, the
 * pool recovers, and once PostgreSQL is back every outbox drains: 0 lost, 0 twice, 0 gaps.
 *
 * Also, in this process: connections cut while transactions are under way fail those calls
 * (the process does not die of the pg client's 'error' event) and the pool serves again.
 *
 * Short form in `npm test` (3 s outage); `SANTA_CHAT_CHAOS=long` for 10 s.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../server/src/store/postgres/store.js';
import { checkRedisServerBinary } from '../helpers/redis.js';
import { TEST_DATABASE_URL, checkPostgres, reportUnavailable } from '../helpers/services.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { sleep } from './lib/chaos-client.js';
import { BalancedCluster } from './lib/relays.js';
import type { Ring } from './lib/ring.js';
import { watchProcess } from './watch.js';
import { assertDelivered, countDelivery, readPostgresMessages, report } from './lib/verify.js';
import { LONG, scale } from './scale.js';

const RELAYS = scale(2, 3);
const CLIENTS = scale(6, 20);
const MESSAGES = scale(300, 3_000);
const OUTAGE_MS = scale(3_000, 10_000);
/** Load before the outage and after it. */
const AROUND_MS = scale(1_500, 5_000);

const [postgres, redisServer] = await Promise.all([checkPostgres(), checkRedisServerBinary()]);
if (postgres.available && redisServer.available) defineTests();
else for (const status of [postgres, redisServer]) if (!status.available) reportUnavailable(status);

/** The test database's URL, reached through `proxy`. */
function throughProxy(proxy: TcpProxy): string {
  const url = new URL(TEST_DATABASE_URL);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

function defineTests(): void {
  describe('PostgreSQL unreachable under load', { timeout: scale(120_000, 400_000) }, () => {
    let proxy: TcpProxy | undefined;
    let site: BalancedCluster | undefined;
    let ring: Ring | undefined;

    after(async () => {
      ring?.stop();
      await site?.stop();
      await proxy?.close();
    });

    it(`${OUTAGE_MS / 1000} s without PostgreSQL, ${RELAYS} relays, ${CLIENTS} clients, ${MESSAGES} messages: no ACK for anything unstored, every outbox drains`, async () => {
      const startedAt = Date.now();
      proxy = await TcpProxy.start(Number(new URL(TEST_DATABASE_URL).port || 5432));
      site = await BalancedCluster.start({ relays: RELAYS, databaseUrl: throughProxy(proxy) });
      const live = site.relays;
      const relayUrls = Array.from({ length: RELAYS }, (_, index) => live.url(index));
      ring = await site.ring(CLIENTS);
      const load = ring;

      const perClient = MESSAGES / CLIENTS;
      const sending = load.sendAll(perClient, Math.floor((2 * AROUND_MS + OUTAGE_MS) / perClient));
      await sleep(AROUND_MS);
      const ackedBefore = load.acked();
      const cutAt = Date.now();
      proxy.cut(OUTAGE_MS);
      // While it lasts, /healthz says the store is unreachable (and answers: nothing hangs).
      await sleep(Math.min(1_000, OUTAGE_MS / 2));
      const health = await Promise.all(relayUrls.map(async (url) => (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).json()));
      await sleep(cutAt + OUTAGE_MS - Date.now());
      const restoredAt = Date.now();
      await sending;
      const drainMs = await load.drained(scale(60_000, 120_000));
      const restoredDrainMs = drainMs === null ? null : Date.now() - restoredAt;

      const count = countDelivery(load.clients, await readPostgresMessages(live.schema));
      let ackedDuringOutage = 0;
      let internalErrors = 0;
      let internalErrorsForSends = 0;
      for (const client of load.clients) {
        for (const ack of client.tap.acks.values()) if (ack.at >= cutAt && ack.at < restoredAt) ackedDuringOutage += 1;
        for (const error of client.tap.errors) {
          if (error.code !== 'INTERNAL') continue;
          internalErrors += 1;
          if (error.clientId !== undefined) internalErrorsForSends += 1;
        }
      }
      const relaysAlive = Array.from({ length: RELAYS }, (_, index) => live.relay(index).child.exitCode === null).filter(Boolean).length;
      report({
        case: 'postgres-outage',
        form: LONG ? 'long' : 'short',
        client: 'SantaChatClient',
        relays: RELAYS,
        clients: CLIENTS,
        outageMs: OUTAGE_MS,
        ...count,
        ackedBeforeOutage: ackedBefore,
        ackedDuringOutage,
        internalErrors,
        internalErrorsForSends,
        relaysAlive,
        drainAfterRestoreMs: restoredDrainMs,
        durationMs: Date.now() - startedAt,
      });
      assert.ok(ackedBefore > 0, 'ACKs before the outage');
      for (const body of health) assert.deepEqual(body, { ok: false, store: 'unreachable', redis: 'ok' });
      assert.ok(internalErrorsForSends > 0, 'sends during the outage were refused as INTERNAL (retriable), not left hanging');
      assert.equal(relaysAlive, RELAYS, 'no relay crashed');
      assert.notEqual(drainMs, null, 'every outbox drained once PostgreSQL was back');
      assertDelivered(count, MESSAGES);
      for (const url of relayUrls) assert.equal((await fetch(`${url}/healthz`)).status, 200, 'the pool recovered');
    });

    it('connections cut inside transactions fail those sends, not the process, and the pool recovers', async () => {
      const watch = watchProcess();
      const cutProxy = await TcpProxy.start(Number(new URL(TEST_DATABASE_URL).port || 5432));
      const schema = `chaos_pg_cut_${process.pid}_${randomBytes(4).toString('hex')}`;
      const store = await openPostgresStore(throughProxy(cutProxy), { schema });
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        await store.putGroup('g', { name: 'G', revealAt: Date.now() + 86_400_000, members: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], assignments: [{ santa: 'a', giftee: 'b' }] }, Date.now());
        const conversationId = (await store.openConversation('g', 'a', 'b', Date.now()))?.context.conversation.id as string;
        const stored = new Map<string, number>();
        let failed = 0;
        let number = 0;
        const until = Date.now() + scale(1_500, 5_000);
        const worker = async (): Promise<void> => {
          while (Date.now() < until) {
            const clientId = `c${number++}`;
            await store.appendMessage({ conversationId, senderId: 'a', content: clientId, clientId, now: Date.now() }).then(
              (result) => {
                if (result.kind !== 'closed') stored.set(clientId, result.message.seq);
              },
              () => (failed += 1),
            );
          }
        };
        const cuts = scale(1, 4);
        const cutting = (async () => {
          for (let cut = 0; cut < cuts; cut += 1) {
            await sleep(300);
            cutProxy.cut(300);
          }
        })();
        await Promise.all([...Array.from({ length: 10 }, worker), cutting]);
        await sleep(400);
        const after = await store.appendMessage({ conversationId, senderId: 'a', content: 'after', clientId: 'after', now: Date.now() });
        const rows = (await admin.query<{ client_id: string; seq: number }>(`SELECT client_id, seq::int AS seq FROM "${schema}".messages`)).rows;
        const inStore = new Map(rows.map((row) => [row.client_id, row.seq]));
        let lost = 0;
        for (const [clientId, seq] of stored) if (inStore.get(clientId) !== seq) lost += 1;
        report({ case: 'postgres-cut-mid-transaction', form: LONG ? 'long' : 'short', cuts, stored: stored.size, failed, lost, uncaught: watch.uncaught.length });
        assert.deepEqual(watch.uncaught.map(String), [], 'nothing escaped as an uncaught error');
        assert.ok(stored.size > 0 && failed > 0, 'sends succeeded and sends failed');
        assert.equal(lost, 0, 'every send reported stored is in the database');
        assert.equal(after.kind, 'stored', 'the pool serves again after the cut');
      } finally {
        watch.stop();
        await store.close();
        await cutProxy.close();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    });
  });
}
