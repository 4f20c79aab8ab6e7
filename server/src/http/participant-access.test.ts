/**
 * Who may call the participant API and how much, through `app.request()` (no port) (docs/protocol.md §1 participant tokens, §2):
 * bearer tokens, the per-user request rate, the 64 KiB body limit and CORS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationResponse } from '../../../protocol/index.js';
import { asParticipant, assertError, mintToken, nowSeconds, request } from '../../../test/helpers/http.js';
import { threeGroup } from '../../../test/helpers/relay.js';
import { createTestApp, TEST_APP_SECRET as TEST_SECRET, type TestApp } from '../app.test-support.js';

describe('participant tokens', () => {
  let relay: TestApp;
  const withToken = (token: string) => asParticipant(relay.url, token);

  before(async () => {
    relay = await createTestApp({ limits: { httpRequestsPerMinute: 10_000 } });
    assert.equal((await relay.putGroup('office', threeGroup())).status, 201);
  });
  after(() => relay.stop());

  it('are required on every call: no Authorization, or another scheme, is 401 UNAUTHENTICATED', async () => {
    const calls = [
      (headers: Record<string, string>) => request(`${relay.url}/conversations`, { headers }),
      (headers: Record<string, string>) => request(`${relay.url}/conversations/c_x/messages`, { headers }),
      (headers: Record<string, string>) => request(`${relay.url}/groups/office/conversation`, { method: 'POST', headers }),
    ];
    const token = relay.token('alice');
    const withoutBearer: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: `Basic ${token}` },
      { authorization: token },
    ];
    for (const call of calls) {
      for (const headers of withoutBearer) {
        assertError(await call(headers), 401, 'UNAUTHENTICATED');
      }
    }
  });

  it('are accepted when signed HS256 with the shared secret, with `sub` as a string or an integer', async () => {
    const list = await withToken(mintToken({ sub: 'alice', exp: nowSeconds() + 60 })).get('/conversations');
    assert.equal(list.status, 200, list.text);
    const scheme = await request(`${relay.url}/conversations`, { headers: { authorization: `bearer ${relay.token('alice')}` } });
    assert.equal(scheme.status, 200, 'the scheme is case-insensitive');
    const numeric = await withToken(mintToken({ sub: 7, exp: nowSeconds() + 60 })).get('/conversations');
    assert.equal(numeric.status, 200, numeric.text);
  });

  const refusedTokens: { what: string; token: () => string }[] = [
    { what: 'an expired token', token: () => mintToken({ sub: 'alice', exp: nowSeconds() - 5 }) },
    { what: 'a token without exp', token: () => mintToken({ sub: 'alice' }) },
    { what: 'a token whose exp is not a number', token: () => mintToken({ sub: 'alice', exp: String(nowSeconds() + 60) }) },
    { what: 'a token without sub', token: () => mintToken({ exp: nowSeconds() + 60 }) },
    // JSON carries it as the escape `\ud800`; no member id can equal it once stored.
    { what: 'a token whose sub holds a lone surrogate', token: () => mintToken({ sub: 'alice\ud800', exp: nowSeconds() + 60 }) },
    { what: 'a token not valid yet (nbf)', token: () => mintToken({ sub: 'alice', exp: nowSeconds() + 600, nbf: nowSeconds() + 300 }) },
    { what: 'a token signed with another secret', token: () => mintToken({ sub: 'alice', exp: nowSeconds() + 60 }, { secret: `${TEST_SECRET}-other` }) },
    {
      what: 'an unsigned token (alg none)',
      token: () => `${mintToken({ sub: 'alice', exp: nowSeconds() + 60 }, { header: { alg: 'none', typ: 'JWT' } }).split('.').slice(0, 2).join('.')}.`,
    },
    {
      what: 'alg none even with a valid HS256 signature',
      token: () => mintToken({ sub: 'alice', exp: nowSeconds() + 60 }, { header: { alg: 'none' } }),
    },
    { what: 'another algorithm (HS512)', token: () => mintToken({ sub: 'alice', exp: nowSeconds() + 60 }, { header: { alg: 'HS512' } }) },
    {
      what: 'a token whose claims were changed after signing',
      token: () => {
        const [header = '', , signature = ''] = mintToken({ sub: 'alice', exp: nowSeconds() + 60 }).split('.');
        const forged = Buffer.from(JSON.stringify({ sub: 'bob', exp: nowSeconds() + 60 })).toString('base64url');
        return `${header}.${forged}.${signature}`;
      },
    },
    { what: 'garbage', token: () => 'not-a-jwt' },
  ];
  for (const { what, token } of refusedTokens) {
    it(`refuses ${what} with 401 UNAUTHENTICATED`, async () => {
      const presented = token();
      const list = await withToken(presented).get('/conversations');
      assertError(list, 401, 'UNAUTHENTICATED');
      assert.ok(!list.text.includes(presented), 'the error does not echo the token');
      assertError(await withToken(presented).post('/groups/office/conversation', {}), 401, 'UNAUTHENTICATED');
    });
  }

  it('honours a past nbf', async () => {
    const token = mintToken({ sub: 'alice', exp: nowSeconds() + 60, nbf: nowSeconds() - 10 });
    assert.equal((await withToken(token).get('/conversations')).status, 200);
  });

  it('refuses a group id whose percent-escapes are not UTF-8 (a lone surrogate) with 400 naming groupId', async () => {
    const alice = withToken(relay.token('alice'));
    assertError(await alice.post('/groups/office%ED%A0%80/conversation', {}), 400, 'BAD_REQUEST', 'groupId');
    // The control: the same group, spelled with escapes that are UTF-8, is found.
    assert.equal((await alice.post('/groups/%6Fffice/conversation', {})).status, 201);
  });
});

describe('participant tokens with 30 s of clock leeway', () => {
  let relay: TestApp;

  before(async () => {
    relay = await createTestApp({ jwt: { leewaySeconds: 30 } });
  });
  after(() => relay.stop());

  it('accepts a token expired 10 s ago and refuses one expired 60 s ago', async () => {
    const recent = mintToken({ sub: 'alice', exp: nowSeconds() - 10 });
    assert.equal((await asParticipant(relay.url, recent).get('/conversations')).status, 200);
    const old = mintToken({ sub: 'alice', exp: nowSeconds() - 60 });
    assertError(await asParticipant(relay.url, old).get('/conversations'), 401, 'UNAUTHENTICATED');
  });

  it('accepts a token whose nbf is 10 s ahead and refuses one 60 s ahead', async () => {
    const soon = mintToken({ sub: 'alice', exp: nowSeconds() + 600, nbf: nowSeconds() + 10 });
    assert.equal((await asParticipant(relay.url, soon).get('/conversations')).status, 200);
    const later = mintToken({ sub: 'alice', exp: nowSeconds() + 600, nbf: nowSeconds() + 60 });
    assertError(await asParticipant(relay.url, later).get('/conversations'), 401, 'UNAUTHENTICATED');
  });
});

describe('participant tokens with SANTA_CHAT_JWT_ISSUER and SANTA_CHAT_JWT_AUDIENCE set', () => {
  let relay: TestApp;
  const list = (claims: Record<string, unknown>) =>
    asParticipant(relay.url, mintToken({ sub: 'alice', exp: nowSeconds() + 60, ...claims })).get('/conversations');

  before(async () => {
    relay = await createTestApp({ jwt: { issuer: 'host', audience: 'santa-chat' } });
  });
  after(() => relay.stop());

  it('accepts the configured iss and aud (aud as a string or in an array)', async () => {
    assert.equal((await list({ iss: 'host', aud: 'santa-chat' })).status, 200);
    assert.equal((await list({ iss: 'host', aud: ['other', 'santa-chat'] })).status, 200);
  });

  it('refuses a missing or wrong iss or aud with 401', async () => {
    for (const claims of [{}, { aud: 'santa-chat' }, { iss: 'host' }, { iss: 'other', aud: 'santa-chat' }, { iss: 'host', aud: 'other' }, { iss: 'host', aud: ['other'] }]) {
      assertError(await list(claims), 401, 'UNAUTHENTICATED');
    }
  });
});

describe('request limits', () => {
  describe('with the default rate (60 requests a minute per user)', () => {
    let relay: TestApp;

    before(async () => {
      relay = await createTestApp();
    });
    after(() => relay.stop());

    it('answers the 61st request in a minute with 429 RATE_LIMITED and Retry-After', async () => {
      const alice = asParticipant(relay.url, relay.token('alice'));
      for (let call = 1; call <= 60; call += 1) {
        const result = await alice.get('/conversations');
        assert.equal(result.status, 200, `call ${call}: ${result.text}`);
      }
      const limited = await alice.get('/conversations');
      assertError(limited, 429, 'RATE_LIMITED');
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${limited.headers.get('retry-after')}`);
      assert.equal((await asParticipant(relay.url, relay.token('bob')).get('/conversations')).status, 200);
    });
  });

  describe('with a low rate', () => {
    let relay: TestApp;

    before(async () => {
      relay = await createTestApp({ limits: { httpRequestsPerMinute: 5 } });
      assert.equal((await relay.putGroup('office', threeGroup())).status, 201);
    });
    after(() => relay.stop());

    it('counts every call of one user, whatever the route, and leaves other users alone', async () => {
      const alice = asParticipant(relay.url, relay.token('alice'));
      const bob = asParticipant(relay.url, relay.token('bob'));
      assert.equal((await alice.post('/groups/office/conversation')).status, 201);
      assert.equal((await alice.get('/conversations')).status, 200);
      assert.equal((await alice.post('/groups/office/conversation', { with: 'santa' })).status, 201);
      assertError(await alice.post('/groups/office/conversation', { with: 'nobody' }), 400, 'BAD_REQUEST', 'with');
      assert.equal((await alice.get('/conversations')).status, 200);
      for (const limited of [await alice.get('/conversations'), await alice.post('/groups/office/conversation')]) {
        assertError(limited, 429, 'RATE_LIMITED');
        assert.match(limited.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      }
      // A fresh token for the same user is the same user.
      assertError(await asParticipant(relay.url, relay.token('alice', 120)).get('/conversations'), 429, 'RATE_LIMITED');
      for (let call = 1; call <= 5; call += 1) assert.equal((await bob.get('/conversations')).status, 200);
    });
  });

  describe('body size', () => {
    let relay: TestApp;

    before(async () => {
      relay = await createTestApp({ limits: { httpRequestsPerMinute: 10_000 } });
      assert.equal((await relay.putGroup('office', threeGroup())).status, 201);
    });
    after(() => relay.stop());

    it('refuses a POST body over 64 KiB with 413 TOO_LARGE', async () => {
      const alice = asParticipant(relay.url, relay.token('alice'));
      const body = JSON.stringify({ with: 'giftee', padding: 'x'.repeat(64 * 1024) });
      assertError(await alice.post('/groups/office/conversation', body), 413, 'TOO_LARGE');
      // Nothing was created by the refused call.
      assert.equal((await alice.post('/groups/office/conversation')).status, 201);
    });

    it('refuses a chunked POST body (no Content-Length) once it passes 64 KiB', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"with":"giftee","padding":"'));
          if (sent >= 8) {
            controller.enqueue(new TextEncoder().encode('"}'));
            controller.close();
            return;
          }
          controller.enqueue(chunk);
          sent += 1;
        },
      });
      const result = await request(`${relay.url}/groups/office/conversation`, {
        method: 'POST',
        headers: { authorization: `Bearer ${relay.token('cleo')}`, 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      assertError(result, 413, 'TOO_LARGE');
    });

    it('takes a POST body just under 64 KiB', async () => {
      const body = JSON.stringify({ with: 'santa', padding: 'x'.repeat(60 * 1024) });
      const result = await asParticipant(relay.url, relay.token('bob')).post<ConversationResponse>('/groups/office/conversation', body);
      assert.equal(result.status, 200, result.text);
      assert.equal(result.body.conversation.role, 'giftee');
    });
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    request(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  describe('with SANTA_CHAT_ALLOWED_ORIGINS=http://host.example', () => {
    let relay: TestApp;

    before(async () => {
      relay = await createTestApp({ limits: { httpRequestsPerMinute: 10_000 } });
      assert.equal((await relay.putGroup('office', threeGroup())).status, 201);
    });
    after(() => relay.stop());

    it('answers a preflight from an allowed origin with its origin, the methods and the headers', async () => {
      const result = await preflight(`${relay.url}/groups/office/conversation`, 'http://host.example');
      assert.equal(result.status, 204);
      assert.equal(result.headers.get('access-control-allow-origin'), 'http://host.example');
      const methods = (result.headers.get('access-control-allow-methods') ?? '').split(',').map((method) => method.trim());
      assert.ok(methods.includes('GET') && methods.includes('POST'), `methods: ${methods.join(',')}`);
      const headers = (result.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      assert.ok(headers.includes('authorization') && headers.includes('content-type'), `headers: ${headers}`);
      assert.equal(result.headers.get('access-control-allow-credentials'), null, 'bearer tokens need no cookies');
    });

    it('puts the allowed origin (and Vary: Origin) on the response itself', async () => {
      const alice = asParticipant(relay.url, relay.token('alice'));
      for (const result of [
        await alice.get('/conversations', { origin: 'http://host.example' }),
        await alice.post('/groups/office/conversation', {}, { origin: 'http://host.example' }),
      ]) {
        assert.ok(result.status === 200 || result.status === 201, result.text);
        assert.equal(result.headers.get('access-control-allow-origin'), 'http://host.example');
        assert.match(result.headers.get('vary') ?? '', /origin/i);
      }
    });

    it('lets an allowed page read the error of a refused call', async () => {
      const origin = { origin: 'http://host.example' };
      const unauthenticated = await request(`${relay.url}/conversations`, { headers: origin });
      assertError(unauthenticated, 401, 'UNAUTHENTICATED');
      assert.equal(unauthenticated.headers.get('access-control-allow-origin'), 'http://host.example');
      const forbidden = await asParticipant(relay.url, relay.token('alice')).get('/conversations/c_nope/messages', origin);
      assertError(forbidden, 403, 'FORBIDDEN');
      assert.equal(forbidden.headers.get('access-control-allow-origin'), 'http://host.example');
    });

    it('gives a foreign origin no Access-Control-Allow-Origin on preflight, and 403 FORBIDDEN on the call', async () => {
      for (const origin of ['http://evil.example', 'https://host.example', 'http://host.example:8080', 'null']) {
        const refusedPreflight = await preflight(`${relay.url}/conversations`, origin);
        assert.equal(refusedPreflight.headers.get('access-control-allow-origin'), null, origin);
        const call = await asParticipant(relay.url, relay.token('alice')).get('/conversations', { origin });
        assertError(call, 403, 'FORBIDDEN');
        assert.equal(call.headers.get('access-control-allow-origin'), null, origin);
      }
      const post = await asParticipant(relay.url, relay.token('bob')).post('/groups/office/conversation', {}, { origin: 'http://evil.example' });
      assertError(post, 403, 'FORBIDDEN');
      // The refused call created nothing: bob's first own call creates the conversation.
      assert.equal((await asParticipant(relay.url, relay.token('bob')).post('/groups/office/conversation', {})).status, 201);
    });

    it('serves callers that send no Origin (servers, curl) without CORS headers', async () => {
      const result = await asParticipant(relay.url, relay.token('alice')).get('/conversations');
      assert.equal(result.status, 200);
      assert.equal(result.headers.get('access-control-allow-origin'), null);
    });
  });

  describe('with SANTA_CHAT_ALLOWED_ORIGINS unset', () => {
    let relay: TestApp;

    before(async () => {
      relay = await createTestApp({ allowedOrigins: undefined });
    });
    after(() => relay.stop());

    it('allows the relay\'s own origin only', async () => {
      const own = new URL(relay.url).origin;
      const alice = asParticipant(relay.url, relay.token('alice'));
      const allowedPreflight = await preflight(`${relay.url}/conversations`, own);
      assert.equal(allowedPreflight.headers.get('access-control-allow-origin'), own);
      const allowed = await alice.get('/conversations', { origin: own });
      assert.equal(allowed.status, 200, allowed.text);
      assert.equal(allowed.headers.get('access-control-allow-origin'), own);

      for (const origin of ['http://host.example', `${new URL(relay.url).origin}:8080`]) {
        assert.equal((await preflight(`${relay.url}/conversations`, origin)).headers.get('access-control-allow-origin'), null);
        assertError(await alice.get('/conversations', { origin }), 403, 'FORBIDDEN');
      }
    });
  });
});
