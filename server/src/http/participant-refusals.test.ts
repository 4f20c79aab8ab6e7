/**
 * Issue #13, nothing silent over HTTP, through `app.request()`: a refused token is 401
 * UNAUTHENTICATED with `error.reason` naming its `TOKEN_*` code (logged at info, never the
 * token); a foreign origin is 403 FORBIDDEN with `error.reason: 'ORIGIN_NOT_ALLOWED'` (warned
 * once per origin); "not a member" stays a plain FORBIDDEN.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiErrorSchema, REFUSAL_EXPLANATIONS, type ApiError, type TokenRefusal } from '../../../protocol/index.js';
import { asParticipant, assertError, mintToken, nowSeconds, request, type HttpResult } from '../../../test/helpers/http.js';
import { captureLogs } from '../../../test/helpers/logs.js';
import { threeGroup } from '../../../test/helpers/relay.js';
import { createTestApp, TEST_APP_SECRET as TEST_SECRET, type TestApp } from '../app.test-support.js';

const ISSUER = 'https://host.example';
const AUDIENCE = 'santa-chat';
const claims = (extra: Record<string, unknown> = {}) => ({ sub: 'alice', exp: nowSeconds() + 3600, iss: ISSUER, aud: AUDIENCE, ...extra });
const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function assertRefused(result: HttpResult, status: number, code: string, reason: string): ApiError['error'] {
  const error = assertError(result, status, code);
  assert.equal(error.reason, reason, result.text);
  // The protocol's schema keeps declared keys only: `reason` survives the widget's parse.
  const parsed = ApiErrorSchema.safeParse(result.body);
  assert.ok(parsed.success && parsed.data.error.reason === reason, 'the schema keeps error.reason');
  return error;
}

describe('participant HTTP refusals', () => {
  let relay: TestApp;
  const logs = captureLogs();

  before(async () => {
    relay = await createTestApp({ logger: logs.logger, jwt: { issuer: ISSUER, audience: AUDIENCE }, limits: { httpRequestsPerMinute: 10_000 } });
    assert.equal((await relay.putGroup('office', threeGroup())).status, 201);
  });
  after(() => relay.stop());

  it('answer each refused token 401 with error.reason, logged at info with the claimed user and never the token', async () => {
    const cases: [string, string | null, TokenRefusal][] = [
      ['no Authorization', null, 'TOKEN_MISSING'],
      ['garbage', 'not-a-token', 'TOKEN_MALFORMED'],
      ['over 8 KiB', mintToken(claims({ pad: 'x'.repeat(8200) })), 'TOKEN_MALFORMED'],
      ['alg none', `${base64url({ alg: 'none' })}.${base64url(claims())}.`, 'TOKEN_UNSUPPORTED_ALGORITHM'],
      ['HS512 header', mintToken(claims(), { header: { alg: 'HS512' } }), 'TOKEN_UNSUPPORTED_ALGORITHM'],
      ['another secret', mintToken(claims(), { secret: `${TEST_SECRET}-other` }), 'TOKEN_BAD_SIGNATURE'],
      ['expired', mintToken(claims({ exp: nowSeconds() - 5 })), 'TOKEN_EXPIRED'],
      ['nbf ahead', mintToken(claims({ nbf: nowSeconds() + 600 })), 'TOKEN_NOT_YET_VALID'],
      ['iat ahead', mintToken(claims({ iat: nowSeconds() + 600 })), 'TOKEN_NOT_YET_VALID'],
      ['no sub', mintToken(claims({ sub: undefined })), 'TOKEN_BAD_CLAIMS'],
      ['exp a string', mintToken(claims({ exp: String(nowSeconds() + 60) })), 'TOKEN_BAD_CLAIMS'],
      ['another issuer', mintToken(claims({ iss: 'https://evil.example' })), 'TOKEN_WRONG_ISSUER'],
      ['no audience', mintToken(claims({ aud: undefined })), 'TOKEN_WRONG_AUDIENCE'],
    ];
    const start = logs.lines.length;
    for (const [what, token, refusal] of cases) {
      const result =
        token === null ? await request(`${relay.url}/conversations`) : await asParticipant(relay.url, token).get('/conversations');
      const error = assertRefused(result, 401, 'UNAUTHENTICATED', refusal);
      assert.equal(error.message, REFUSAL_EXPLANATIONS[refusal], what);
      if (token !== null) assert.ok(!result.text.includes(token), `${what}: the body echoes the token`);
    }
    // The control: a good token passes.
    assert.equal((await asParticipant(relay.url, mintToken(claims())).get('/conversations')).status, 200);

    const lines = logs.lines.slice(start).filter((line) => typeof line.refusal === 'string');
    assert.deepEqual(lines.map((line) => line.refusal), cases.map(([, , refusal]) => refusal));
    for (const line of lines) {
      assert.equal(line.level, 30, 'info');
      assert.equal(line.door, 'http');
    }
    assert.equal(lines.find((line) => line.refusal === 'TOKEN_EXPIRED')?.userId, 'alice');
    assert.equal(lines.find((line) => line.refusal === 'TOKEN_BAD_SIGNATURE')?.userId, undefined);
    const logged = JSON.stringify(logs.lines);
    for (const [, token] of cases) if (token !== null && token.length > 20) assert.ok(!logged.includes(token), 'a token reached the log');
  });

  it('answer a foreign origin 403 with error.reason ORIGIN_NOT_ALLOWED, warned once per origin; not a member stays plain FORBIDDEN', async () => {
    const token = mintToken(claims());
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const foreign = await asParticipant(relay.url, token).get('/conversations', { origin: 'https://evil.example' });
      assertRefused(foreign, 403, 'FORBIDDEN', 'ORIGIN_NOT_ALLOWED');
      // No CORS header for it: a browser page cannot read this body (docs/decisions/0013).
      assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    }
    const warned = logs.find('warn', { refusal: 'ORIGIN_NOT_ALLOWED', origin: 'https://evil.example' });
    assert.equal(warned.length, 1);
    assert.equal(warned[0]?.door, 'http');

    const notMember = await asParticipant(relay.url, mintToken(claims({ sub: 'mallory' }))).post('/groups/office/conversation', { with: 'giftee' });
    const error = assertError(notMember, 403, 'FORBIDDEN');
    assert.equal(error.reason, undefined);
  });
});
