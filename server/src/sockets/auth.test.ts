/**
 * docs/protocol.md §3: the upgrade, the AUTH frame, token renewal and expiry, PING, frame parsing
 * and graceful shutdown, over real sockets.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { signParticipantToken } from '../auth/jwt.js';
import { sleep, TestClient } from '../../../test/helpers/client.js';
import { withFaultyStore } from '../../../test/helpers/faulty-store.js';
import { startTestRelay, TEST_SECRET } from '../../../test/helpers/relay.js';
import { closeCode, pingPong, sendMessage, withRelay } from '../../../test/helpers/ws-harness.js';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT with any header and claims, signed with HMAC `hash`: what a careless or hostile host could send. */
function signRaw(header: object, claims: object, secret: string, hash: 'sha256' | 'sha512' = 'sha256'): string {
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  return `${signingInput}.${createHmac(hash, secret).update(signingInput).digest('base64url')}`;
}

describe('WebSocket AUTH', () => {
  test('READY carries userId, protocol 1, the conversations as GET /conversations, and unreadTotal', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice, ready: aliceReady } = await harness.ready('alice');
      assert.equal(aliceReady.userId, 'alice');
      assert.equal(aliceReady.protocol, 1);
      assert.equal(aliceReady.unreadTotal, 0);
      await sendMessage(alice, conversationId, 'one');
      await sendMessage(alice, conversationId, 'two');

      const { ready } = await harness.ready('bob');
      const listed = await harness.conversations('bob');
      assert.equal(ready.userId, 'bob');
      assert.equal(ready.protocol, 1);
      assert.equal(ready.unreadTotal, 2);
      assert.equal(listed.unreadTotal, 2);
      assert.deepEqual(ready.conversations, listed.conversations);
      const [conversation] = ready.conversations;
      assert.equal(conversation?.id, conversationId);
      assert.equal(conversation?.role, 'giftee');
      assert.equal(conversation?.unread, 2);
      assert.equal(conversation?.lastMessage?.content, 'two');
      assert.equal(conversation?.peer.anonymous, true);
      assert.ok(!JSON.stringify(ready).includes('alice'), 'the giftee READY must not name the santa');
    });
  });

  test('closes 4401 on a bad, forged, expired, unsigned or malformed token', async () => {
    await withRelay({}, async (harness) => {
      const valid = harness.relay.token('alice');
      const [header, , signature] = valid.split('.');
      const tokens: Record<string, string> = {
        garbage: 'not-a-token',
        'wrong secret': signParticipantToken({ sub: 'alice', exp: nowSeconds() + 3600 }, 'some-other-secret-0123456789'),
        'forged payload': `${header}.${base64url({ sub: 'bob', exp: nowSeconds() + 3600 })}.${signature}`,
        'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'alice', exp: nowSeconds() + 3600 })}.`,
        expired: signParticipantToken({ sub: 'alice', exp: nowSeconds() - 5 }, TEST_SECRET),
        'missing exp': signRaw({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice' }, TEST_SECRET),
        HS512: signRaw({ alg: 'HS512', typ: 'JWT' }, { sub: 'alice', exp: nowSeconds() + 3600 }, TEST_SECRET, 'sha512'),
        'not yet valid': signParticipantToken({ sub: 'alice', exp: nowSeconds() + 3600, nbf: nowSeconds() + 600 }, TEST_SECRET),
      };
      await Promise.all(
        Object.entries(tokens).map(async ([name, token]) => {
          const client = await harness.connect();
          client.send({ type: 'AUTH', token });
          assert.equal(await closeCode(client), 4401, name);
          assert.deepEqual(client.all('READY'), [], name);
          assert.ok(!client.closeReason.includes(token), `${name}: the close reason echoes the token`);
        }),
      );
    });
  });

  test('closes 4401 on an AUTH frame without a usable token, before and after READY', async () => {
    await withRelay({}, async (harness) => {
      const frames = [{ type: 'AUTH' }, { type: 'AUTH', token: '' }, { type: 'AUTH', token: 42 }, { type: 'AUTH', token: 'x'.repeat(9000) }];
      await Promise.all(
        frames.map(async (frame) => {
          const fresh = await harness.connect();
          fresh.send(frame);
          assert.equal(await closeCode(fresh), 4401, JSON.stringify(frame).slice(0, 40));
          const { client: live } = await harness.ready('alice');
          live.send(frame);
          assert.equal(await closeCode(live), 4401, `live socket: ${JSON.stringify(frame).slice(0, 40)}`);
          assert.deepEqual(fresh.all('READY'), []);
        }),
      );
    });
  });

  test('closes 4401 when no AUTH arrives within the auth timeout, but not an authenticated socket', async () => {
    await withRelay({ limits: { authTimeoutMs: 300 } }, async (harness) => {
      const openedAt = Date.now();
      const silent = await harness.connect();
      const { client: authenticated } = await harness.ready('alice');
      assert.equal(await closeCode(silent), 4401);
      assert.ok(Date.now() - openedAt >= 250, 'closed before the timeout');
      await sleep(300);
      await pingPong(authenticated);
      assert.equal(authenticated.closeCode, null);
    });
  });

  test('answers frames before AUTH with ERROR UNAUTHENTICATED, keeps the socket open, delivers nothing to it', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const early = await harness.connect();
      early.send({ type: 'NEW_MESSAGE', conversationId, content: 'too early', clientId: 'early-1' });
      const refused = await early.next('ERROR');
      assert.equal(refused.code, 'UNAUTHENTICATED');
      early.send({ type: 'SYNC', conversationId, after: 0 });
      assert.equal((await early.next('ERROR')).code, 'UNAUTHENTICATED');

      const { client: alice } = await harness.ready('alice');
      await sendMessage(alice, conversationId, 'hello');
      await pingPong(early);
      assert.deepEqual(early.all('NEW_MESSAGE'), []);

      early.send({ type: 'AUTH', token: harness.relay.token('alice') });
      assert.equal((await early.next('READY')).userId, 'alice');
      assert.equal(early.closeCode, null);
      assert.deepEqual((await harness.history('alice', conversationId)).map((message) => message.content), ['hello']);
    });
  });

  test('ignores a token in the URL: the AUTH frame is what authenticates', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const token = harness.relay.token('alice');
      const client = await harness.connect({}, `${harness.relay.wsUrl}?token=${encodeURIComponent(token)}`);
      client.send({ type: 'SYNC', conversationId, after: 0 });
      assert.equal((await client.next('ERROR')).code, 'UNAUTHENTICATED');
      client.send({ type: 'AUTH', token });
      assert.equal((await client.next('READY')).userId, 'alice');
    });
  });

  test('a re-AUTH with a fresh token for the same user answers READY again and the socket keeps working', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client } = await harness.ready('alice');
      await sendMessage(client, conversationId, 'before renewal');
      client.send({ type: 'AUTH', token: harness.relay.token('alice', 7200) });
      const again = await client.next('READY');
      assert.equal(again.userId, 'alice');
      assert.equal(again.conversations[0]?.lastMessage?.content, 'before renewal');
      const ack = await sendMessage(client, conversationId, 'after renewal');
      assert.equal(ack.seq, 2);
      assert.equal(client.closeCode, null);
    });
  });

  test("a re-AUTH with another user's token, or a bad one, closes 4401", async () => {
    await withRelay({}, async (harness) => {
      const { client: other } = await harness.ready('alice');
      other.send({ type: 'AUTH', token: harness.relay.token('bob') });
      assert.equal(await closeCode(other), 4401);
      assert.equal(other.all('READY').length, 1);

      const { client: bad } = await harness.ready('alice');
      bad.send({ type: 'AUTH', token: signParticipantToken({ sub: 'alice', exp: nowSeconds() + 60 }, 'wrong-secret-0123456789') });
      assert.equal(await closeCode(bad), 4401);
    });
  });

  test('a token that expires unrenewed closes 4403; a socket that renewed it stays open', async () => {
    await withRelay({}, async (harness) => {
      const shortToken = harness.relay.token('alice', 2);
      const { client: lapsed } = await harness.ready('alice', shortToken);
      const { client: renewed } = await harness.ready('alice', shortToken);
      renewed.send({ type: 'AUTH', token: harness.relay.token('alice') });
      await renewed.next('READY');

      const expiresAt = JSON.parse(Buffer.from(shortToken.split('.')[1] ?? '', 'base64url').toString()).exp * 1000;
      assert.equal(await closeCode(lapsed, 4000), 4403);
      assert.ok(Date.now() >= expiresAt - 50, 'closed before the token expired');
      await sleep(200);
      await pingPong(renewed);
      assert.equal(renewed.closeCode, null);
    });
  });

  test('PING is answered with PONG, before and after AUTH', async () => {
    await withRelay({}, async (harness) => {
      const client = await harness.connect();
      client.send({ type: 'PING' });
      assert.deepEqual(await client.next('PONG'), { type: 'PONG' });
      client.send({ type: 'AUTH', token: harness.relay.token('cleo') });
      await client.next('READY');
      client.send({ type: 'PING' });
      assert.deepEqual(await client.next('PONG'), { type: 'PONG' });
    });
  });

  test('answers malformed frames with ERROR BAD_REQUEST and keeps the socket open', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client } = await harness.ready('alice');
      const frames: unknown[] = [
        'not json',
        '[1,2]',
        { type: 'SHOUT' },
        { noType: true },
        { type: 'READ', conversationId },
        { type: 'SYNC', conversationId, after: -1 },
        { type: 'NEW_MESSAGE', conversationId, content: 42, clientId: 'bad-content' },
      ];
      for (const frame of frames) {
        client.send(frame);
        const error = await client.next('ERROR');
        assert.equal(error.code, 'BAD_REQUEST', JSON.stringify(frame));
      }
      assert.equal(client.all('ERROR').at(-1)?.clientId, 'bad-content');
      assert.equal(client.all('ERROR').at(-1)?.conversationId, conversationId);
      const ack = await sendMessage(client, conversationId, 'still here');
      assert.equal(ack.seq, 1);
    });
  });
});

describe('WebSocket upgrade', () => {
  test('closes a foreign Origin at once with 4003 and accepts an allowed Origin or none', async () => {
    await withRelay({}, async (harness) => {
      for (const origin of ['http://evil.example', 'null', 'http://host.example.evil.example']) {
        const refused = await harness.connect({ origin });
        assert.equal(await closeCode(refused), 4003, origin);
        assert.match(refused.closeReason, /^ORIGIN_NOT_ALLOWED: /, origin);
      }
      const allowed = await harness.connect({ origin: 'http://host.example' });
      allowed.send({ type: 'AUTH', token: harness.relay.token('alice') });
      assert.equal((await allowed.next('READY')).userId, 'alice');
      const withoutOrigin = await harness.connect();
      withoutOrigin.send({ type: 'AUTH', token: harness.relay.token('bob') });
      assert.equal((await withoutOrigin.next('READY')).userId, 'bob');
    });
  });

  test("accepts only the relay's own origin when no origins are configured", async () => {
    await withRelay({ config: { allowedOrigins: undefined } }, async (harness) => {
      const own = await harness.connect({ origin: harness.relay.url });
      own.send({ type: 'AUTH', token: harness.relay.token('alice') });
      assert.equal((await own.next('READY')).userId, 'alice');
      assert.equal(await closeCode(await harness.connect({ origin: 'http://host.example' })), 4003);
    });
  });

  test('refuses paths other than /ws', async () => {
    await withRelay({}, async (harness) => {
      const base = harness.relay.url.replace('http', 'ws');
      for (const path of ['/', '/ws/', '/wss', '/socket', '/ws/extra', '/conversations']) {
        await assert.rejects(TestClient.connect(`${base}${path}`), /upgrade refused: 4\d\d/, path);
      }
    });
  });
});

describe('graceful shutdown', () => {
  test('closes every connected socket with 1001', async () => {
    const relay = await startTestRelay();
    const clients: TestClient[] = [];
    try {
      const authenticated = await TestClient.ready(relay.wsUrl, relay.token('alice'));
      clients.push(authenticated.client);
      const pending = await TestClient.connect(relay.wsUrl);
      clients.push(pending);
      await relay.close();
      assert.equal(await closeCode(authenticated.client), 1001);
      assert.equal(await closeCode(pending), 1001);
      await assert.rejects(TestClient.connect(relay.wsUrl));
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await relay.stop();
    }
  });
});

describe('AUTH while the database is away', () => {
  test('a first AUTH that cannot be answered with READY gets INTERNAL and a 1011 close; a later socket is served', async () => {
    await withFaultyStore('listConversations', async (faulty) => {
      await withRelay({ store: faulty.store }, async (harness) => {
        await harness.putGroup();
        const { client: renewing } = await harness.ready('alice');
        faulty.failing = true;
        const client = await harness.connect();
        client.send({ type: 'AUTH', token: harness.relay.token('bob') });
        assert.equal((await client.next('ERROR')).code, 'INTERNAL');
        assert.equal(await closeCode(client), 1011);
        // A renewal on a socket that already had its READY keeps the socket.
        renewing.send({ type: 'AUTH', token: harness.relay.token('alice') });
        assert.equal((await renewing.next('ERROR')).code, 'INTERNAL');
        await pingPong(renewing);
        assert.equal(renewing.closeCode, null);
        faulty.failing = false;
        const { ready } = await harness.ready('bob');
        assert.equal(ready.userId, 'bob');
      });
    });
  });
});
