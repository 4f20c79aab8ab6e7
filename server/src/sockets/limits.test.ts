/**
 * docs/protocol.md §4 limits over real sockets: message rate, sockets per user, frame size,
 * repeated abuse and the heartbeat. After each abuse the relay must keep serving others.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { sleep, TestClient } from '../../../test/helpers/client.js';
import { withFaultyStore } from '../../../test/helpers/faulty-store.js';
import { closeCode, errorFor, othersStillServed, pingPong, sendMessage, settle, withRelay } from '../../../test/helpers/ws-harness.js';

describe('message rate limit', () => {
  test('refuses the send over the limit with RATE_LIMITED and retryAfterMs; a send passes after the window', async () => {
    // A window long enough that three sends fit in it on a loaded machine (1 s did not always).
    await withRelay({ limits: { rateMessages: 3, rateWindowMs: 4000 } }, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: aliceOtherTab } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      const first = await sendMessage(alice, conversationId, 'one', 'rate-1');
      await sendMessage(alice, conversationId, 'two', 'rate-2');
      await sendMessage(aliceOtherTab, conversationId, 'three', 'rate-3');

      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'four', clientId: 'rate-4' });
      const limited = await errorFor(alice, 'rate-4');
      assert.equal(limited.code, 'RATE_LIMITED');
      assert.equal(limited.conversationId, conversationId);
      assert.ok(limited.retryAfterMs !== undefined && limited.retryAfterMs > 0 && limited.retryAfterMs <= 4000, `retryAfterMs ${limited.retryAfterMs}`);

      // A duplicate retry is answered, not counted and not limited.
      assert.deepEqual(await sendMessage(alice, conversationId, 'one again', 'rate-1'), first);
      await settle(alice, conversationId, [bob]);
      assert.equal(bob.all('NEW_MESSAGE').length, 3);
      assert.equal((await harness.history('alice', conversationId)).length, 3);

      // The limit is per user: the other participant is still served.
      const fromBob = await sendMessage(bob, conversationId, 'my turn', 'bob-1');
      assert.equal(fromBob.seq, 4);
      assert.equal((await alice.next('NEW_MESSAGE', (frame) => frame.id === fromBob.id)).content, 'my turn');

      await sleep((limited.retryAfterMs ?? 4000) + 50);
      const later = await sendMessage(alice, conversationId, 'four', 'rate-4');
      assert.equal(later.seq, 5);
      assert.equal((await bob.next('NEW_MESSAGE', (frame) => frame.id === later.id)).content, 'four');
    });
  });

  test('refused sends and duplicate retries do not count', async () => {
    await withRelay({ limits: { rateMessages: 3, rateWindowMs: 10_000 } }, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const refused = [
        { clientId: 'empty', content: '   ', code: 'EMPTY' },
        { clientId: 'long', content: 'x'.repeat(501), code: 'TOO_LONG' },
        { clientId: 'control', content: '\u0000', code: 'BAD_REQUEST' },
      ];
      for (const { clientId, content, code } of refused) {
        alice.send({ type: 'NEW_MESSAGE', conversationId, content, clientId });
        assert.equal((await errorFor(alice, clientId)).code, code);
      }
      alice.send({ type: 'NEW_MESSAGE', conversationId: 'not-mine', content: 'hi', clientId: 'forbidden' });
      assert.equal((await errorFor(alice, 'forbidden')).code, 'FORBIDDEN');

      await sendMessage(alice, conversationId, 'one', 'count-1');
      for (let retry = 0; retry < 3; retry += 1) await sendMessage(alice, conversationId, 'one', 'count-1');
      await sendMessage(alice, conversationId, 'two', 'count-2');
      const third = await sendMessage(alice, conversationId, 'three', 'count-3');
      assert.equal(third.seq, 3);
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'four', clientId: 'count-4' });
      assert.equal((await errorFor(alice, 'count-4')).code, 'RATE_LIMITED');
    });
  });
});

describe('sockets per user', () => {
  test("closes the user's oldest socket with 4409 over the limit; newer ones stay and receive", async () => {
    await withRelay({ limits: { maxSocketsPerUser: 2 } }, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: oldest } = await harness.ready('bob');
      const { client: middle } = await harness.ready('bob');
      const { client: newest } = await harness.ready('bob');
      assert.equal(await closeCode(oldest), 4409);

      const { client: alice } = await harness.ready('alice');
      const ack = await sendMessage(alice, conversationId, 'to both remaining tabs');
      for (const client of [middle, newest]) {
        assert.equal((await client.next('NEW_MESSAGE')).id, ack.id);
        assert.equal(client.closeCode, null);
      }
      await othersStillServed(harness);
    });
  });
});

describe('frame size', () => {
  test('closes 1009 on a frame over 16 KiB; a frame of exactly 16 KiB is handled', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client } = await harness.ready('alice');
      const frameOfSize = (bytes: number): string => {
        const empty = JSON.stringify({ type: 'NEW_MESSAGE', conversationId, content: '', clientId: 'big' });
        return JSON.stringify({ type: 'NEW_MESSAGE', conversationId, content: 'x'.repeat(bytes - empty.length), clientId: 'big' });
      };
      assert.equal(Buffer.byteLength(frameOfSize(16 * 1024)), 16 * 1024);
      client.send(frameOfSize(16 * 1024));
      assert.equal((await errorFor(client, 'big')).code, 'TOO_LONG');

      client.send(frameOfSize(16 * 1024 + 1));
      assert.equal(await closeCode(client), 1009);

      const unauthenticated = await harness.connect();
      unauthenticated.send(frameOfSize(64 * 1024));
      assert.equal(await closeCode(unauthenticated), 1009);
      await othersStillServed(harness);
    });
  });
});

describe('abuse', () => {
  test('closes 1008 after more than abuseRefusedFrames refused frames in the window', async () => {
    await withRelay({ limits: { abuseRefusedFrames: 5, abuseWindowMs: 600 } }, async (harness) => {
      await harness.putGroup();
      const { client: abuser } = await harness.ready('alice');
      for (let index = 0; index < 5; index += 1) {
        abuser.send('garbage');
        await abuser.next('ERROR');
      }
      await sleep(700);
      // Those five have left the window; five more are still at the limit.
      for (let index = 0; index < 5; index += 1) {
        abuser.send('garbage');
        await abuser.next('ERROR');
      }
      await pingPong(abuser);
      assert.equal(abuser.closeCode, null, 'at the limit the socket stays open');
      abuser.send({ type: 'NEW_MESSAGE', conversationId: 'not-mine', content: 'x', clientId: 'sixth' });
      assert.equal(await closeCode(abuser), 1008);
      assert.equal(abuser.all('ERROR').length, 11);
      await othersStillServed(harness);
    });
  });
});

describe('abuse, not counted', () => {
  test('INTERNAL refusals (the relay failing) never close the socket 1008', async () => {
    await withFaultyStore('appendMessage', async (faulty) => {
      await withRelay({ store: faulty.store, limits: { abuseRefusedFrames: 5, abuseWindowMs: 10_000 } }, async (harness) => {
        const conversationId = await harness.aliceBob();
        const { client: alice } = await harness.ready('alice');
        faulty.failing = true;
        for (let index = 0; index < 12; index += 1) {
          alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'hello', clientId: `internal-${index}` });
          assert.equal((await errorFor(alice, `internal-${index}`)).code, 'INTERNAL');
        }
        faulty.failing = false;
        await pingPong(alice);
        assert.equal(alice.closeCode, null);
        await sendMessage(alice, conversationId, 'the store is back', 'internal-0');
        // The control: refusals that are the client's fault still count.
        for (let index = 0; index < 6; index += 1) alice.send('garbage');
        assert.equal(await closeCode(alice), 1008);
      });
    });
  });
});

describe('heartbeat', () => {
  test('terminates a socket that does not answer pings; one that does stays open', async () => {
    await withRelay({ limits: { heartbeatIntervalMs: 200 } }, async (harness) => {
      await harness.putGroup();
      const { client: alive } = await harness.ready('cleo');
      const connectedAt = Date.now();
      const silent = harness.track(await TestClient.connect(harness.relay.wsUrl, { autoPong: false }));
      silent.send({ type: 'AUTH', token: harness.relay.token('alice') });
      await silent.next('READY');
      assert.equal(await closeCode(silent), 1006);
      assert.ok(Date.now() - connectedAt >= 190, 'terminated before it could miss a ping');
      await sleep(500);
      await pingPong(alive);
      assert.equal(alive.closeCode, null);
      await othersStillServed(harness);
    });
  });

  test('spreads each round of pings over its interval instead of pinging every socket in one turn', async () => {
    const intervalMs = 600;
    await withRelay({ limits: { heartbeatIntervalMs: intervalMs } }, async (harness) => {
      const pingedAt = new Map<WebSocket, number[]>();
      const sockets = await Promise.all(
        Array.from({ length: 30 }, () => {
          const socket = new WebSocket(harness.relay.wsUrl);
          pingedAt.set(socket, []);
          socket.on('ping', () => pingedAt.get(socket)!.push(performance.now()));
          return new Promise<WebSocket>((resolve, reject) => {
            socket.once('open', () => resolve(socket));
            socket.once('error', reject);
          });
        }),
      );
      try {
        await sleep(3.2 * intervalMs);
        const firsts = sockets.map((socket) => pingedAt.get(socket)![0]);
        assert.ok(firsts.every((at) => at !== undefined), 'every socket was pinged');
        const round = (firsts as number[]).sort((a, b) => a - b);
        // One turn would ping all 30 within a few ms; spread, the round's pings span many steps.
        assert.ok(round.at(-1)! - round[0]! >= intervalMs / 10, `the first round's pings spanned ${(round.at(-1)! - round[0]!).toFixed(1)} ms`);
        for (const socket of sockets) {
          const times = pingedAt.get(socket)!;
          assert.ok(times.length >= 2, 'pinged again in the next round');
          // About once per interval, never twice in one.
          assert.ok(times[1]! - times[0]! >= intervalMs * 0.8, `pinged again after ${(times[1]! - times[0]!).toFixed(0)} ms`);
        }
      } finally {
        for (const socket of sockets) socket.terminate();
      }
    });
  });
});
