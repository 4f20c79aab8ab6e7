/**
 * Issue #7, hostile participant tokens: every forged, confused, expired, early, incomplete,
 * tampered or malformed token is refused on every door a participant has: the WebSocket AUTH
 * frame (closed 4401) and each participant HTTP route (401 UNAUTHENTICATED).
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import { assertError, asParticipant, mintToken, nowSeconds, type HttpResult } from '../helpers/http.js';
import { TEST_SECRET } from '../helpers/relay.js';
import { closeCode, withRelay, type Harness } from '../helpers/ws-harness.js';

const base64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token whose signature is HMAC-`hash` with `key` over whatever header and claims. */
function hmacToken(header: unknown, claims: unknown, key: string | Buffer = TEST_SECRET, hash = 'sha256'): string {
  const input = `${base64url(header)}.${base64url(claims)}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

function hostileTokens(): Record<string, string> {
  const live = { sub: 'alice', exp: nowSeconds() + 3600 };
  const valid = mintToken(live);
  const [header = '', payload = '', signature = ''] = valid.split('.');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' });
  const asymmetric = (alg: string, key: typeof rsa.privateKey, options: object = {}): string => {
    const input = `${base64url({ alg, typ: 'JWT' })}.${base64url(live)}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key, ...options }).toString('base64url')}`;
  };
  return {
    'alg none, unsigned': `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    'alg none, two segments': `${base64url({ alg: 'none' })}.${payload}`,
    'alg None with an HS256 signature': hmacToken({ alg: 'None' }, live),
    'alg NONE with an HS256 signature': hmacToken({ alg: 'NONE' }, live),
    'alg hs256 (lower case)': hmacToken({ alg: 'hs256' }, live),
    'alg missing': hmacToken({ typ: 'JWT' }, live),
    'alg as an array': hmacToken({ alg: ['HS256'] }, live),
    HS384: hmacToken({ alg: 'HS384' }, live, TEST_SECRET, 'sha384'),
    HS512: hmacToken({ alg: 'HS512' }, live, TEST_SECRET, 'sha512'),
    'RS256 header, HMAC with the HS secret': hmacToken({ alg: 'RS256' }, live),
    'RS256 header, HMAC with an RSA public key as the secret': hmacToken({ alg: 'RS256' }, live, rsaPublicPem),
    'HS256 with an RSA public key as the secret': hmacToken({ alg: 'HS256' }, live, rsaPublicPem),
    'RS256, really signed': asymmetric('RS256', rsa.privateKey),
    'ES256, really signed': asymmetric('ES256', ec.privateKey, { dsaEncoding: 'ieee-p1363' }),
    'PS256 header, HMAC with the HS secret': hmacToken({ alg: 'PS256' }, live),
    'crit header': hmacToken({ alg: 'HS256', crit: ['exp'] }, live),
    'wrong key': mintToken(live, { secret: `${TEST_SECRET}-not` }),
    'empty key': hmacToken({ alg: 'HS256' }, live, ''),
    expired: mintToken({ sub: 'alice', exp: nowSeconds() - 5 }),
    'exp missing': mintToken({ sub: 'alice' }),
    'exp as a string': mintToken({ sub: 'alice', exp: String(nowSeconds() + 3600) }),
    'exp null (an overflowed number)': mintToken({ sub: 'alice', exp: null }),
    'not yet valid (nbf)': mintToken({ ...live, nbf: nowSeconds() + 600 }),
    'issued in the future (iat)': mintToken({ ...live, iat: nowSeconds() + 600 }),
    'sub missing': mintToken({ exp: live.exp }),
    'sub empty': mintToken({ ...live, sub: '' }),
    'sub over 128 characters': mintToken({ ...live, sub: 'a'.repeat(129) }),
    'sub an object': mintToken({ ...live, sub: { id: 'alice' } }),
    'sub a fraction': mintToken({ ...live, sub: 1.5 }),
    'claims an array': hmacToken({ alg: 'HS256' }, [live]),
    'claims not JSON': hmacToken({ alg: 'HS256' }, 'sub=alice'),
    'payload swapped for bob': `${header}.${base64url({ ...live, sub: 'bob' })}.${signature}`,
    'payload re-encoded with padding': `${header}.${payload}==.${signature}`,
    'header swapped': `${base64url({ alg: 'HS256', typ: 'JWT', kid: '../../etc/passwd' })}.${payload}.${signature}`,
    'signature of another token': `${header}.${payload}.${mintToken({ sub: 'bob', exp: live.exp }).split('.')[2]}`,
    'signature truncated': `${header}.${payload}.${signature.slice(0, -2)}`,
    'signature padded': `${header}.${payload}.${signature}=`,
    'signature in base64, not base64url': `${header}.${payload}.${Buffer.from(signature, 'base64url').toString('base64')}`,
    'signature missing': `${header}.${payload}.`,
    'four segments': `${valid}.${signature}`,
    'two segments': `${header}.${payload}`,
    'empty segments': '..',
    'a word': 'opensesame',
    'header not JSON': `${base64url('{alg:HS256}')}.${payload}.${signature}`,
    'header JSON null': hmacToken(null, live),
    'segments with spaces': `${header} .${payload}.${signature}`,
    'over 8 KiB': mintToken({ ...live, pad: 'x'.repeat(8200) }),
  };
}

/** Each participant route, called with `token`. */
function participantCalls(harness: Harness, conversationId: string): Record<string, (token: string) => Promise<HttpResult>> {
  const as = (token: string) => asParticipant(harness.relay.url, token);
  return {
    'GET /conversations': (token) => as(token).get('/conversations'),
    'GET /conversations/:id/messages': (token) => as(token).get(`/conversations/${conversationId}/messages`),
    'POST /groups/:groupId/conversation': (token) => as(token).post('/groups/office/conversation', { with: 'giftee' }),
  };
}

describe('hostile participant tokens', () => {
  test('are refused on WebSocket AUTH (4401) and on every participant route (401), and the valid one is not', async () => {
    await withRelay({ limits: { httpRequestsPerMinute: 100_000 } }, async (harness) => {
      const conversationId = await harness.aliceBob();
      const calls = participantCalls(harness, conversationId);
      const tokens = hostileTokens();

      // The control: the same doors open for alice's real token, so a refusal below means something.
      const { client, ready } = await harness.ready('alice');
      assert.equal(ready.userId, 'alice');
      await client.close();
      for (const [route, call] of Object.entries(calls)) {
        const result = await call(mintToken({ sub: 'alice', exp: nowSeconds() + 3600 }));
        assert.ok(result.status === 200 || result.status === 201, `${route} refused the valid token: ${result.status}`);
      }

      let attempts = 0;
      const accepted: string[] = [];
      for (const [name, token] of Object.entries(tokens)) {
        const socket = await harness.connect();
        socket.send({ type: 'AUTH', token });
        attempts += 1;
        const code = await closeCode(socket);
        if (code !== 4401 || socket.all('READY').length > 0) accepted.push(`${name} over WebSocket (closed ${code})`);
        for (const [route, call] of Object.entries(calls)) {
          attempts += 1;
          const result = await call(token);
          if (result.status !== 401) accepted.push(`${name} on ${route} (${result.status})`);
          else assertError(result, 401, 'UNAUTHENTICATED');
          assert.ok(!result.text.includes(token), `${name}: the error echoes the token`);
        }
      }
      assert.deepEqual(accepted, []);
      assert.equal(attempts, Object.keys(tokens).length * 4);
    });
  });
});
