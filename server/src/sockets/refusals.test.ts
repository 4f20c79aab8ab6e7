/**
 * Issue #13, nothing silent on the WebSocket: every token refusal closes 4401 (4403 for a lapsed
 * token) with a reason that starts with its `TOKEN_*` code and is logged at info; a page from a
 * refused origin gets its upgrade and an immediate 4003 `ORIGIN_NOT_ALLOWED` close, no frame of
 * it is handled, and the relay warns once per origin (docs/decisions/0013).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CloseCode,
  MAX_CLOSE_REASON_BYTES,
  parseRefusal,
  REFUSAL_EXPLANATIONS,
  type ServerFrame,
  type TokenRefusal,
} from '../../../protocol/index.js';
import { TestClient } from '../../../test/helpers/client.js';
import { mintToken, nowSeconds } from '../../../test/helpers/http.js';
import { captureLogs } from '../../../test/helpers/logs.js';
import { TEST_SECRET } from '../../../test/helpers/relay.js';
import { closeCode, withRelay, type Harness } from '../../../test/helpers/ws-harness.js';
import { originCloseReason } from './socket-server.js';

const live = () => ({ sub: 'alice', exp: nowSeconds() + 3600 });
const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Sends `frame` as the first frame and resolves with how the relay closed the socket. */
async function closedBy(harness: Harness, frame: unknown): Promise<{ code: number; reason: string; client: TestClient }> {
  const client = await harness.connect();
  client.send(frame);
  const code = await closeCode(client);
  return { code, reason: client.closeReason, client };
}

function assertReason(reason: string, refusal: TokenRefusal | 'ORIGIN_NOT_ALLOWED', what: string): void {
  assert.equal(parseRefusal(reason), refusal, `${what}: close reason ${JSON.stringify(reason)}`);
  assert.ok(reason.startsWith(`${refusal}: `), `${what}: ${reason}`);
  assert.ok(Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES, `${what}: reason over ${MAX_CLOSE_REASON_BYTES} bytes`);
}

describe('token refusals over WebSocket', () => {
  test('each refused token closes 4401 with its TOKEN_* code, logged at info with the claimed user and never the token', async () => {
    const logs = captureLogs();
    await withRelay({ logger: logs.logger, config: { jwtIssuer: 'https://host.example', jwtAudience: 'santa-chat' } }, async (harness) => {
      const claims = (extra: Record<string, unknown> = {}) => ({ ...live(), iss: 'https://host.example', aud: 'santa-chat', ...extra });
      const cases: [string, unknown, TokenRefusal][] = [
        ['no token in AUTH', { type: 'AUTH' }, 'TOKEN_MISSING'],
        ['an empty token', { type: 'AUTH', token: '' }, 'TOKEN_MISSING'],
        ['a token over 8 KiB', { type: 'AUTH', token: 'x'.repeat(9000) }, 'TOKEN_MALFORMED'],
        ['garbage', { type: 'AUTH', token: 'not-a-token' }, 'TOKEN_MALFORMED'],
        ['alg none', { type: 'AUTH', token: `${base64url({ alg: 'none' })}.${base64url(claims())}.` }, 'TOKEN_UNSUPPORTED_ALGORITHM'],
        ['another secret', { type: 'AUTH', token: mintToken(claims(), { secret: `${TEST_SECRET}-other` }) }, 'TOKEN_BAD_SIGNATURE'],
        ['expired', { type: 'AUTH', token: mintToken(claims({ exp: nowSeconds() - 5 })) }, 'TOKEN_EXPIRED'],
        ['nbf ahead', { type: 'AUTH', token: mintToken(claims({ nbf: nowSeconds() + 600 })) }, 'TOKEN_NOT_YET_VALID'],
        ['iat ahead', { type: 'AUTH', token: mintToken(claims({ iat: nowSeconds() + 600 })) }, 'TOKEN_NOT_YET_VALID'],
        ['no exp', { type: 'AUTH', token: mintToken({ sub: 'alice', iss: 'https://host.example', aud: 'santa-chat' }) }, 'TOKEN_BAD_CLAIMS'],
        ['sub an object', { type: 'AUTH', token: mintToken(claims({ sub: { id: 'alice' } })) }, 'TOKEN_BAD_CLAIMS'],
        ['another issuer', { type: 'AUTH', token: mintToken(claims({ iss: 'https://evil.example' })) }, 'TOKEN_WRONG_ISSUER'],
        ['another audience', { type: 'AUTH', token: mintToken(claims({ aud: 'other' })) }, 'TOKEN_WRONG_AUDIENCE'],
      ];
      for (const [what, frame, refusal] of cases) {
        const { code, reason, client } = await closedBy(harness, frame);
        assert.equal(code, CloseCode.UNAUTHENTICATED, what);
        assertReason(reason, refusal, what);
        assert.deepEqual(client.all('READY'), [], what);
        const token = (frame as { token?: string }).token;
        if (token) assert.ok(!reason.includes(token), `${what}: the reason echoes the token`);
      }
      // The control: the relay's own token still opens the door.
      const { ready } = await harness.ready('alice', mintToken(claims()));
      assert.equal(ready.userId, 'alice');

      const refusals = logs.find('info').filter((line) => typeof line.refusal === 'string');
      assert.deepEqual(refusals.map((line) => line.refusal), cases.map(([, , refusal]) => refusal));
      for (const line of refusals) {
        assert.equal(line.door, 'websocket');
        assert.match(line.msg, new RegExp(REFUSAL_EXPLANATIONS[line.refusal as TokenRefusal].slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      }
      // The user id once the payload was readable: past the signature, for a claim refusal.
      assert.equal(refusals.find((line) => line.refusal === 'TOKEN_EXPIRED')?.userId, 'alice');
      assert.equal(refusals.find((line) => line.refusal === 'TOKEN_WRONG_ISSUER')?.userId, 'alice');
      assert.equal(refusals.find((line) => line.refusal === 'TOKEN_BAD_SIGNATURE')?.userId, undefined);
      const logged = JSON.stringify(logs.lines);
      for (const [, frame] of cases) {
        const token = (frame as { token?: string }).token;
        if (token && token.length > 20) assert.ok(!logged.includes(token), 'a token reached the log');
      }
    });
  });

  test('no AUTH in time is TOKEN_MISSING, a renewal for another user TOKEN_USER_CHANGED, a lapsed token 4403 TOKEN_EXPIRED', async () => {
    await withRelay({ limits: { authTimeoutMs: 300 } }, async (harness) => {
      const silent = await harness.connect();
      assert.equal(await closeCode(silent), CloseCode.UNAUTHENTICATED);
      assertReason(silent.closeReason, 'TOKEN_MISSING', 'auth timeout');

      const { client: renewing } = await harness.ready('alice');
      renewing.send({ type: 'AUTH', token: harness.relay.token('bob') });
      assert.equal(await closeCode(renewing), CloseCode.UNAUTHENTICATED);
      assertReason(renewing.closeReason, 'TOKEN_USER_CHANGED', 'renewal for bob');

      // A JWT's exp is in whole seconds: a token for "1 s" can have a few milliseconds left
      // and lapse before its AUTH is read. "2 s" leaves between one and two.
      const { client: lapsing } = await harness.ready('cleo', harness.relay.token('cleo', 2));
      assert.equal(await closeCode(lapsing, 4000), CloseCode.TOKEN_EXPIRED);
      assertReason(lapsing.closeReason, 'TOKEN_EXPIRED', 'lapsed token');
    });
  });
});

describe('a refused origin over WebSocket', () => {
  test('gets its upgrade and a 4003 ORIGIN_NOT_ALLOWED close within a second; no frame of it is handled', async () => {
    await withRelay({}, async (harness) => {
      const token = harness.relay.token('alice');
      const started = Date.now();
      const client = harness.track(new TestClient(harness.relay.wsUrl, { origin: 'http://evil.example' }));
      // AUTH and PING the moment the socket opens: a handled frame would answer READY or PONG.
      client.socket.once('open', () => {
        client.send({ type: 'AUTH', token });
        client.send({ type: 'PING' });
      });
      assert.equal(await closeCode(client, 1000), CloseCode.ORIGIN_NOT_ALLOWED);
      assert.ok(Date.now() - started < 1000);
      assert.equal(client.closeReason, 'ORIGIN_NOT_ALLOWED: add http://evil.example to SANTA_CHAT_ALLOWED_ORIGINS');
      assertReason(client.closeReason, 'ORIGIN_NOT_ALLOWED', 'evil.example');
      const frames: ServerFrame[] = client.frames;
      assert.deepEqual(frames, [], 'a frame of a refused origin was answered');
      // The dispatcher never saw a frame of it (it counts every frame it receives).
      assert.match(await harness.relay.metricsText(), /^santa_chat_frames_received_total 0$/m);
    });
  });

  test('names the origin in the close reason only when it is plain and fits', async () => {
    await withRelay({}, async (harness) => {
      const long = `http://${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
      const refused = await harness.connect({ origin: long });
      assert.equal(await closeCode(refused), CloseCode.ORIGIN_NOT_ALLOWED);
      assert.equal(refused.closeReason, "ORIGIN_NOT_ALLOWED: add this page's origin to SANTA_CHAT_ALLOWED_ORIGINS");
      assert.equal(originCloseReason('null'), 'ORIGIN_NOT_ALLOWED: add null to SANTA_CHAT_ALLOWED_ORIGINS');
      assert.equal(originCloseReason('http://ex ample'), "ORIGIN_NOT_ALLOWED: add this page's origin to SANTA_CHAT_ALLOWED_ORIGINS");
      // The allowed origin and a missing Origin still connect: auth.test.ts, 'WebSocket upgrade'.
    });
  });

  test('is logged at warn once for a burst, once per origin', async () => {
    const logs = captureLogs();
    await withRelay({ logger: logs.logger }, async (harness) => {
      const burst = await Promise.all(
        Array.from({ length: 8 }, (_, index) => harness.connect({ origin: index % 2 ? 'http://evil.example' : 'https://other.example' })),
      );
      for (const client of burst) assert.equal(await closeCode(client), CloseCode.ORIGIN_NOT_ALLOWED);
      const warned = logs.find('warn', { refusal: 'ORIGIN_NOT_ALLOWED' });
      assert.deepEqual(warned.map((line) => line.origin).sort(), ['http://evil.example', 'https://other.example']);
      for (const line of warned) assert.equal(line.door, 'websocket');
    });
  });
});
