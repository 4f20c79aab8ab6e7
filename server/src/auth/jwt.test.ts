import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { signParticipantToken, verifyParticipantToken } from './jwt.js';
import type { JwtOptions, TokenCheck } from './jwt.js';
import type { TokenRefusal } from '../../../protocol/refusals.js';

const SECRET = 'test-secret-0123456789abcdef-0123456789';
const NOW_MS = Date.UTC(2026, 11, 1, 12, 0, 0);
const NOW_S = NOW_MS / 1000;
const options: JwtOptions = { secret: SECRET, now: () => NOW_MS };

// Built by hand so that the refusals do not depend on signParticipantToken.
const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const hs256 = (input: string, secret = SECRET): string =>
  createHmac('sha256', secret).update(input).digest('base64url');

function token(header: unknown, payload: unknown, secret = SECRET): string {
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${hs256(input, secret)}`;
}

const HEADER = { alg: 'HS256', typ: 'JWT' };
const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  sub: 'u1',
  exp: NOW_S + 3600,
  ...extra,
});

/** The check refused with `reason`, and with `detail` for the log. */
async function refused(pending: Promise<TokenCheck>, reason: TokenRefusal, detail?: string): Promise<void> {
  const check = await pending;
  assert.equal(check.ok, false, `accepted, expected ${reason}`);
  if (check.ok) return;
  assert.equal(check.reason, reason);
  if (detail !== undefined) assert.equal(check.detail, detail);
}

describe('verifyParticipantToken', () => {
  it('accepts a valid token and reports the user and expiry', async () => {
    assert.deepEqual(await verifyParticipantToken(token(HEADER, claims()), options), {
      ok: true,
      userId: 'u1',
      expiresAt: (NOW_S + 3600) * 1000,
    });
  });

  it('accepts what signParticipantToken mints', async () => {
    const minted = signParticipantToken({ sub: 'u2', exp: NOW_S + 60 }, SECRET);
    assert.equal((await verifyParticipantToken(minted, options)).ok, true);
  });

  it('accepts a token jose itself signs, and refuses one jose signs HS512 with the same secret', async () => {
    const key = new TextEncoder().encode(SECRET);
    const good = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u3').setExpirationTime(NOW_S + 60).sign(key);
    assert.deepEqual(await verifyParticipantToken(good, options), { ok: true, userId: 'u3', expiresAt: (NOW_S + 60) * 1000 });
    const other = await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('u3').setExpirationTime(NOW_S + 60).sign(key);
    await refused(verifyParticipantToken(other, options), 'TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported algorithm');
  });

  it('names the user a refused token claims only once its signature held', async () => {
    const expired = await verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 3600 })), options);
    assert.equal(!expired.ok && expired.claimedUserId, 'u1');
    const forged = await verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 3600 }), 'another-secret'), options);
    assert.equal(!forged.ok && forged.claimedUserId, undefined);
  });

  it('refuses alg none, with and without a signature part', async () => {
    const input = `${encode({ alg: 'none' })}.${encode(claims())}`;
    await refused(verifyParticipantToken(`${input}.`, options), 'TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported algorithm');
    await refused(verifyParticipantToken(`${input}.${hs256(input)}`, options), 'TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported algorithm');
    await refused(verifyParticipantToken(input, options), 'TOKEN_MALFORMED', 'malformed token');
  });

  it('refuses other algorithms and case variants', async () => {
    for (const alg of ['HS384', 'HS512', 'hs256', 'RS256', 'ES256', '', null, ['HS256']]) {
      await refused(verifyParticipantToken(token({ alg }, claims()), options), 'TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported algorithm');
    }
    await refused(verifyParticipantToken(token({ typ: 'JWT' }, claims()), options), 'TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported algorithm');
  });

  it('refuses HS384 even when correctly signed with HMAC-SHA384', async () => {
    const input = `${encode({ alg: 'HS384' })}.${encode(claims())}`;
    const signature = createHmac('sha384', SECRET).update(input).digest('base64url');
    await refused(verifyParticipantToken(`${input}.${signature}`, options), 'TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported algorithm');
  });

  it('refuses an RS256 header signed with HMAC (algorithm confusion)', async () => {
    await refused(verifyParticipantToken(token({ alg: 'RS256', typ: 'JWT' }, claims()), options), 'TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported algorithm');
  });

  it('refuses a token signed with another key', async () => {
    await refused(verifyParticipantToken(token(HEADER, claims(), 'other-secret'), options), 'TOKEN_BAD_SIGNATURE', 'bad signature');
  });

  it('refuses a tampered payload', async () => {
    const [header64, , signature64] = token(HEADER, claims()).split('.');
    const forged = `${header64}.${encode(claims({ sub: 'u2' }))}.${signature64}`;
    await refused(verifyParticipantToken(forged, options), 'TOKEN_BAD_SIGNATURE', 'bad signature');
  });

  it('refuses a tampered header', async () => {
    const [, payload64, signature64] = token(HEADER, claims()).split('.');
    const forged = `${encode({ alg: 'HS256' })}.${payload64}.${signature64}`;
    await refused(verifyParticipantToken(forged, options), 'TOKEN_BAD_SIGNATURE', 'bad signature');
  });

  it('refuses a truncated, padded or non-canonical signature', async () => {
    const valid = token(HEADER, claims());
    await refused(verifyParticipantToken(valid.slice(0, -2), options), 'TOKEN_BAD_SIGNATURE', 'bad signature');
    await refused(verifyParticipantToken(`${valid}=`, options), 'TOKEN_BAD_SIGNATURE', 'bad signature');
    await refused(verifyParticipantToken(`${valid}AA`, options), 'TOKEN_BAD_SIGNATURE', 'bad signature');
    // 32 bytes encode to 43 chars whose last one carries 2 spare bits; a
    // different spare-bit pattern decodes to the same bytes but is refused.
    const last = valid.at(-1) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    await refused(verifyParticipantToken(`${valid.slice(0, -1)}${twin}`, options), 'TOKEN_BAD_SIGNATURE', 'bad signature');
  });

  it('refuses an expired token and accepts one within the leeway', async () => {
    await refused(verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 31 })), options), 'TOKEN_EXPIRED', 'expired');
    await refused(verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 30 })), options), 'TOKEN_EXPIRED', 'expired');
    assert.equal((await verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 29 })), options)).ok, true);
    await refused(
      verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 1 })), { ...options, leewaySeconds: 0 }),
      'TOKEN_EXPIRED',
      'expired',
    );
  });

  it('honours nbf with the leeway', async () => {
    await refused(verifyParticipantToken(token(HEADER, claims({ nbf: NOW_S + 31 })), options), 'TOKEN_NOT_YET_VALID', 'not yet valid');
    assert.equal((await verifyParticipantToken(token(HEADER, claims({ nbf: NOW_S + 30 })), options)).ok, true);
    assert.equal((await verifyParticipantToken(token(HEADER, claims({ nbf: NOW_S - 10 })), options)).ok, true);
    await refused(verifyParticipantToken(token(HEADER, claims({ nbf: String(NOW_S) })), options), 'TOKEN_BAD_CLAIMS', 'invalid nbf');
  });

  it('refuses a token issued (iat) in the future beyond the leeway', async () => {
    await refused(verifyParticipantToken(token(HEADER, claims({ iat: NOW_S + 31 })), options), 'TOKEN_NOT_YET_VALID', 'issued in the future');
    assert.equal((await verifyParticipantToken(token(HEADER, claims({ iat: NOW_S + 30 })), options)).ok, true);
    assert.equal((await verifyParticipantToken(token(HEADER, claims({ iat: NOW_S - 10 })), options)).ok, true);
    await refused(verifyParticipantToken(token(HEADER, claims({ iat: String(NOW_S) })), options), 'TOKEN_BAD_CLAIMS', 'invalid iat');
  });

  it('requires a numeric exp', async () => {
    await refused(verifyParticipantToken(token(HEADER, { sub: 'u1' }), options), 'TOKEN_BAD_CLAIMS', 'missing exp');
    await refused(verifyParticipantToken(token(HEADER, claims({ exp: String(NOW_S + 3600) })), options), 'TOKEN_BAD_CLAIMS', 'invalid exp');
    await refused(verifyParticipantToken(token(HEADER, claims({ exp: null })), options), 'TOKEN_BAD_CLAIMS', 'invalid exp');
  });

  it('requires sub of 1-128 characters, taking integers as decimal strings', async () => {
    await refused(verifyParticipantToken(token(HEADER, { exp: NOW_S + 60 }), options), 'TOKEN_BAD_CLAIMS', 'missing sub');
    await refused(verifyParticipantToken(token(HEADER, claims({ sub: '' })), options), 'TOKEN_BAD_CLAIMS', 'invalid sub');
    await refused(verifyParticipantToken(token(HEADER, claims({ sub: 'x'.repeat(129) })), options), 'TOKEN_BAD_CLAIMS', 'invalid sub');
    await refused(verifyParticipantToken(token(HEADER, claims({ sub: 1.5 })), options), 'TOKEN_BAD_CLAIMS', 'invalid sub');
    await refused(verifyParticipantToken(token(HEADER, claims({ sub: 2 ** 53 })), options), 'TOKEN_BAD_CLAIMS', 'invalid sub');
    await refused(verifyParticipantToken(token(HEADER, claims({ sub: { id: 'u1' } })), options), 'TOKEN_BAD_CLAIMS', 'invalid sub');
    await refused(verifyParticipantToken(token(HEADER, claims({ sub: null })), options), 'TOKEN_BAD_CLAIMS', 'invalid sub');
    const integer = await verifyParticipantToken(token(HEADER, claims({ sub: 42 })), options);
    assert.deepEqual(integer.ok && integer.userId, '42');
    const longest = await verifyParticipantToken(token(HEADER, claims({ sub: 'x'.repeat(128) })), options);
    assert.equal(longest.ok, true);
  });

  it('refuses a sub holding a lone surrogate, which no member id can equal once stored', async () => {
    // JSON.stringify writes a lone surrogate as the escape `\ud800`, which JSON.parse turns back into one.
    for (const sub of ['x\ud800', '\udc00', 'a\udc00\ud800b']) {
      await refused(verifyParticipantToken(token(HEADER, claims({ sub })), options), 'TOKEN_BAD_CLAIMS', 'invalid sub');
    }
    const pair = await verifyParticipantToken(token(HEADER, claims({ sub: 'santa\u{1F385}' })), options);
    assert.equal(pair.ok && pair.userId, 'santa\u{1F385}');
  });

  it('checks iss only when an issuer is configured', async () => {
    const withIssuer = { ...options, issuer: 'https://host.example' };
    assert.equal((await verifyParticipantToken(token(HEADER, claims({ iss: 'https://host.example' })), withIssuer)).ok, true);
    await refused(verifyParticipantToken(token(HEADER, claims({ iss: 'https://evil.example' })), withIssuer), 'TOKEN_WRONG_ISSUER', 'wrong issuer');
    await refused(verifyParticipantToken(token(HEADER, claims()), withIssuer), 'TOKEN_WRONG_ISSUER', 'wrong issuer');
    assert.equal((await verifyParticipantToken(token(HEADER, claims({ iss: 'anything' })), options)).ok, true);
  });

  it('checks aud, as a string or an array, only when an audience is configured', async () => {
    const withAudience = { ...options, audience: 'santa-chat' };
    assert.equal((await verifyParticipantToken(token(HEADER, claims({ aud: 'santa-chat' })), withAudience)).ok, true);
    assert.equal(
      (await verifyParticipantToken(token(HEADER, claims({ aud: ['other', 'santa-chat'] })), withAudience)).ok,
      true,
    );
    await refused(verifyParticipantToken(token(HEADER, claims({ aud: ['other'] })), withAudience), 'TOKEN_WRONG_AUDIENCE', 'wrong audience');
    await refused(verifyParticipantToken(token(HEADER, claims({ aud: 'other' })), withAudience), 'TOKEN_WRONG_AUDIENCE', 'wrong audience');
    await refused(verifyParticipantToken(token(HEADER, claims()), withAudience), 'TOKEN_WRONG_AUDIENCE', 'wrong audience');
    await refused(verifyParticipantToken(token(HEADER, claims({ aud: [['santa-chat']] })), withAudience), 'TOKEN_WRONG_AUDIENCE', 'wrong audience');
    assert.equal((await verifyParticipantToken(token(HEADER, claims({ aud: 'other' })), options)).ok, true);
  });

  it('refuses a crit header', async () => {
    await refused(verifyParticipantToken(token({ ...HEADER, crit: ['exp'] }, claims()), options), 'TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported header');
  });

  it('refuses malformed shapes without throwing', async () => {
    const valid = token(HEADER, claims());
    const [header64 = '', payload64 = ''] = valid.split('.');
    const signed = (header: string, payload: string): string => `${header}.${payload}.${hs256(`${header}.${payload}`)}`;
    const notJson = Buffer.from('{alg:HS256').toString('base64url');
    const cases = [
      '',
      '.',
      '..',
      `${header64}.${payload64}`,
      `${valid}.extra`,
      'not a token at all',
      '%%%.$$$.###',
      `${notJson}.${payload64}.x`,
      `${encode(['HS256'])}.${payload64}.x`,
      `${encode('HS256')}.${payload64}.x`,
      `${encode(null)}.${payload64}.x`,
      signed(header64, encode([claims()])),
      signed(header64, Buffer.from('not json').toString('base64url')),
      signed(header64, Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url')),
      `${valid}${'A'.repeat(9000 - valid.length)}`,
    ];
    for (const candidate of cases) {
      const check = await verifyParticipantToken(candidate, options);
      assert.equal(check.ok, false, `accepted ${JSON.stringify(candidate.slice(0, 40))}`);
    }
    await refused(verifyParticipantToken(signed(header64, encode([claims()])), options), 'TOKEN_MALFORMED', 'malformed token');
    await refused(verifyParticipantToken('x'.repeat(9000), options), 'TOKEN_MALFORMED', 'token over 8 KiB');
    await refused(verifyParticipantToken(undefined as unknown as string, options), 'TOKEN_MISSING', 'no token');
    await refused(verifyParticipantToken('', options), 'TOKEN_MISSING', 'no token');
  });

  it('refuses everything when the secret is empty', async () => {
    const input = `${encode(HEADER)}.${encode(claims())}`;
    await refused(verifyParticipantToken(`${input}.${hs256(input, '')}`, { ...options, secret: '' }), 'TOKEN_BAD_SIGNATURE', 'no secret configured');
  });

  it('never puts the token or the secret in a reason', async () => {
    const candidates = [
      token(HEADER, claims(), 'other-secret'),
      token(HEADER, claims({ exp: NOW_S - 3600 })),
      token({ alg: 'none' }, claims()),
      'garbage',
    ];
    for (const candidate of candidates) {
      const check = await verifyParticipantToken(candidate, options);
      assert.equal(check.ok, false);
      if (!check.ok) {
        const said = `${check.reason} ${check.detail} ${check.claimedUserId ?? ''}`;
        assert.ok(!said.includes(SECRET));
        for (const part of candidate.split('.')) assert.ok(part.length < 8 || !said.includes(part));
      }
    }
  });
});
