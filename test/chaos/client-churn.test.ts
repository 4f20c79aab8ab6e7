/**
 * Chaos 2: widget clients (`SantaChatClient`, memory store) drop their sockets and leave and
 * rejoin at random under load, sockets are cut right after a SYNC went out and before its
 * HISTORY came back (often just as a newer live message or ACK arrived), and one client is
 * offline for the whole load, its own messages waiting in its outbox, then comes back. When
 * every outbox is empty: no holes in any client's seqs, nothing lost, nothing stored twice.
 *
 * Short form in `npm test`; `SANTA_CHAT_CHAOS=long` for the long one.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { between, sleep, until, type ChaosClient } from './lib/chaos-client.js';
import { SqliteRelay } from './lib/relays.js';
import type { Ring } from './lib/ring.js';
import { assertDelivered, countDelivery, readSqliteMessages, report } from './lib/verify.js';
import { LONG, scale } from './scale.js';

const CLIENTS = scale(8, 30);
const MESSAGES = scale(400, 4_200);
/** How long the load lasts. */
const LOAD_MS = scale(6_000, 45_000);
/** Chance that a SYNC is cut before its HISTORY arrives. */
const CUT_AFTER_SYNC = 0.3;

describe('clients that drop, rejoin and lose sockets mid-SYNC', { timeout: scale(90_000, 400_000) }, () => {
  let relay: SqliteRelay | undefined;
  let ring: Ring | undefined;
  /** Rejoins scheduled by the churn; one that connected after `ring.stop()` would retry forever. */
  const rejoining = new Set<Promise<void>>();
  let ended = false;

  after(async () => {
    ended = true;
    await Promise.all(rejoining);
    ring?.stop();
    await relay?.stop();
  });

  it(`${CLIENTS} clients, ${MESSAGES} messages, one offline throughout: 0 gaps in any client's seqs`, async () => {
    const startedAt = Date.now();
    const sqlite = await SqliteRelay.start();
    relay = sqlite;
    ring = await sqlite.ring(CLIENTS);
    const live = ring;

    const offline = live.clients.at(-1) as ChaosClient;
    const online = live.clients.slice(0, -1);
    offline.stop();
    await until('the offline client is disconnected', () => offline.client.state === 'disconnected');
    for (const client of online) client.tap.cutAfterSync = CUT_AFTER_SYNC;

    const perClient = MESSAGES / CLIENTS;
    const interval = Math.floor(LOAD_MS / perClient);
    // The offline client writes too: its messages wait in its outbox for the whole load.
    const sending = live.sendAll(perClient, interval);
    let churning = true;
    let rejoins = 0;
    const churn = (async () => {
      while (churning) {
        await sleep(between(20, 120));
        if (!churning) break;
        const client = online[between(0, online.length - 1)] as ChaosClient;
        if (Math.random() < 0.6) {
          client.tap.drop();
          continue;
        }
        if (client.client.state === 'disconnected') continue;
        client.stop();
        rejoins += 1;
        const rejoin: Promise<void> = sleep(between(50, 600)).then(async () => {
          if (!ended) await client.client.connect();
          rejoining.delete(rejoin);
        });
        rejoining.add(rejoin);
      }
    })();
    await sending;
    churning = false;
    await churn;
    // Every client left by the churn is back before the drain counts what each one holds.
    await Promise.all(rejoining);
    const offlineAcksDuringLoad = offline.tap.acks.size;

    // Back after the load: a long catch-up (several HISTORY pages), its first SYNCs cut too.
    offline.tap.cutAfterSync = 0.5;
    const returnedAt = Date.now();
    await offline.client.connect();
    await until('the returning client has its outbox acknowledged', () => offline.pending() === 0, 60_000);
    for (const client of live.clients) client.tap.cutAfterSync = 0;
    const drainMs = await live.drained(scale(60_000, 180_000));

    const count = countDelivery(live.clients, readSqliteMessages(sqlite.databasePath));
    let drops = 0;
    let midSyncCuts = 0;
    let midSyncCutsAfterNewer = 0;
    for (const client of live.clients) {
      drops += client.tap.drops;
      midSyncCuts += client.tap.midSyncCuts;
      midSyncCutsAfterNewer += client.tap.midSyncCutsAfterNewer;
    }
    report({
      case: 'client-churn-sqlite',
      form: LONG ? 'long' : 'short',
      client: 'SantaChatClient',
      clients: CLIENTS,
      drops,
      rejoins,
      midSyncCuts,
      midSyncCutsAfterNewer,
      ...count,
      offlineCatchUpMs: drainMs === null ? null : Date.now() - returnedAt,
      drainMs,
      durationMs: Date.now() - startedAt,
    });
    assert.equal(offlineAcksDuringLoad, 0, 'the offline client sent nothing while offline');
    assert.ok(drops > 0 && rejoins > 0, 'clients dropped and rejoined');
    assert.ok(midSyncCuts > 0, 'sockets were cut between SYNC and HISTORY');
    assert.notEqual(drainMs, null, 'every outbox drained and every side caught up');
    assertDelivered(count, MESSAGES);
  });
});
