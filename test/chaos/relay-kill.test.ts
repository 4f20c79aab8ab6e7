/**
 * Chaos 1: kill -9 the relay (a real process on SQLite) at random moments while a ring of
 * widget clients (`SantaChatClient`, memory store) with outboxes exchange messages; restart
 * it on the same database file and port each time. When every outbox is empty: 0 acknowledged
 * messages lost, 0 stored twice (read from the database file), no holes in any client's seqs,
 * and both sides of every conversation hold exactly the store's seq -> message map.
 *
 * Short form in `npm test`; `SANTA_CHAT_CHAOS=long` for 50 clients, 10,000 messages, 20 kills.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { between, sleep, until } from './lib/chaos-client.js';
import { SqliteRelay } from './lib/relays.js';
import type { Ring } from './lib/ring.js';
import { assertDelivered, countDelivery, readSqliteMessages, report } from './lib/verify.js';
import { LONG, scale } from './scale.js';

const CLIENTS = scale(10, 50);
const MESSAGES = scale(500, 10_000);
const KILLS = scale(3, 20);
/** How long each round of sending lasts; one kill falls at a random moment in each. */
const ROUND_MS = scale(1500, 2500);

describe('kill -9 the relay under load, restart on the same SQLite file and port', { timeout: scale(120_000, 600_000) }, () => {
  let relay: SqliteRelay | undefined;
  let ring: Ring | undefined;

  after(async () => {
    ring?.stop();
    await relay?.stop();
  });

  it(`${KILLS} kills, ${CLIENTS} clients, ${MESSAGES} messages: 0 acknowledged lost, 0 stored twice, one order for both sides`, async () => {
    const startedAt = Date.now();
    const sqlite = await SqliteRelay.start();
    relay = sqlite;
    ring = await sqlite.ring(CLIENTS);
    const live = ring;

    const perClient = MESSAGES / CLIENTS;
    const rounds = KILLS + 1;
    let kills = 0;
    let ackedAtLastKill = 0;
    const ackedBeforeKill: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const share = Math.floor(((round + 1) * perClient) / rounds) - Math.floor((round * perClient) / rounds);
      const sending = live.sendAll(share, Math.floor(ROUND_MS / share));
      if (round < KILLS) {
        await sleep(between(ROUND_MS * 0.2, ROUND_MS * 0.9));
        // The relay must have acknowledged something since it last came back, or this kill proves nothing.
        await until(`ACKs after restart ${kills}`, () => live.acked() > ackedAtLastKill, 30_000);
        ackedAtLastKill = live.acked();
        ackedBeforeKill.push(ackedAtLastKill);
        assert.equal(await sqlite.kill(), 'SIGKILL');
        kills += 1;
        await sqlite.restart();
      }
      await sending;
    }
    const drainMs = await live.drained(scale(60_000, 180_000));

    const rows = readSqliteMessages(sqlite.databasePath);
    const count = countDelivery(live.clients, rows);
    let reconnects = 0;
    let errors = 0;
    for (const client of live.clients) {
      reconnects += client.tap.socketsOpened - 1;
      errors += client.tap.errors.length;
    }
    report({
      case: 'relay-kill-sqlite',
      form: LONG ? 'long' : 'short',
      client: 'SantaChatClient',
      clients: CLIENTS,
      kills,
      ...count,
      reconnects,
      errorFrames: errors,
      drainMs,
      durationMs: Date.now() - startedAt,
    });
    assert.equal(kills, KILLS);
    assert.ok(ackedBeforeKill.every((acked, index) => acked > (ackedBeforeKill[index - 1] ?? 0)), 'ACKs arrived between every two kills');
    assert.notEqual(drainMs, null, 'every outbox drained');
    assertDelivered(count, MESSAGES);
    assert.ok(reconnects >= KILLS * CLIENTS, 'every client reconnected after every kill');
  });
});
