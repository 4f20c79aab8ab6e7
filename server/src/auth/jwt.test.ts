import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { signParticipantToken, verifyParticipantToken } from './jwt.js';
import type { JwtOptions, TokenCheck } from './jwt.js';

const SECRET = 'test-secret-0123456789abcdef';
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

function refused(check: TokenCheck, reason: string): void {
  assert.deepEqual(check, { ok: false, reason });
}

describe('verifyParticipantToken', () => {
  it('accepts a valid token and reports the user and expiry', () => {
    assert.deepEqual(verifyParticipantToken(token(HEADER, claims()), options), {
      ok: true,
      userId: 'u1',
      expiresAt: (NOW_S + 3600) * 1000,
    });
  });

  it('accepts what signParticipantToken mints', () => {
    const minted = signParticipantToken({ sub: 'u2', exp: NOW_S + 60 }, SECRET);
    assert.equal(verifyParticipantToken(minted, options).ok, true);
  });

  it('refuses alg none, with and without a signature part', () => {
    const input = `${encode({ alg: 'none' })}.${encode(claims())}`;
    refused(verifyParticipantToken(`${input}.`, options), 'unsupported algorithm');
    refused(verifyParticipantToken(`${input}.${hs256(input)}`, options), 'unsupported algorithm');
    refused(verifyParticipantToken(input, options), 'malformed token');
  });

  it('refuses other algorithms and case variants', () => {
    for (const alg of ['HS384', 'HS512', 'hs256', 'RS256', 'ES256', '', null, ['HS256']]) {
      refused(verifyParticipantToken(token({ alg }, claims()), options), 'unsupported algorithm');
    }
    refused(verifyParticipantToken(token({ typ: 'JWT' }, claims()), options), 'unsupported algorithm');
  });

  it('refuses HS384 even when correctly signed with HMAC-SHA384', () => {
    const input = `${encode({ alg: 'HS384' })}.${encode(claims())}`;
    const signature = createHmac('sha384', SECRET).update(input).digest('base64url');
    refused(verifyParticipantToken(`${input}.${signature}`, options), 'unsupported algorithm');
  });

  it('refuses an RS256 header signed with HMAC (algorithm confusion)', () => {
    refused(verifyParticipantToken(token({ alg: 'RS256', typ: 'JWT' }, claims()), options), 'unsupported algorithm');
  });

  it('refuses a token signed with another key', () => {
    refused(verifyParticipantToken(token(HEADER, claims(), 'other-secret'), options), 'bad signature');
  });

  it('refuses a tampered payload', () => {
    const [header64, , signature64] = token(HEADER, claims()).split('.');
    const forged = `${header64}.${encode(claims({ sub: 'u2' }))}.${signature64}`;
    refused(verifyParticipantToken(forged, options), 'bad signature');
  });

  it('refuses a tampered header', () => {
    const [, payload64, signature64] = token(HEADER, claims()).split('.');
    const forged = `${encode({ alg: 'HS256' })}.${payload64}.${signature64}`;
    refused(verifyParticipantToken(forged, options), 'bad signature');
  });

  it('refuses a truncated, padded or non-canonical signature', () => {
    const valid = token(HEADER, claims());
    refused(verifyParticipantToken(valid.slice(0, -2), options), 'bad signature');
    refused(verifyParticipantToken(`${valid}=`, options), 'bad signature');
    refused(verifyParticipantToken(`${valid}AA`, options), 'bad signature');
    // 32 bytes encode to 43 chars whose last one carries 2 spare bits; a
    // different spare-bit pattern decodes to the same bytes but is refused.
    const last = valid.at(-1) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    refused(verifyParticipantToken(`${valid.slice(0, -1)}${twin}`, options), 'bad signature');
  });

  it('refuses an expired token and accepts one within the leeway', () => {
    refused(verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 31 })), options), 'expired');
    refused(verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 30 })), options), 'expired');
    assert.equal(verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 29 })), options).ok, true);
    refused(
      verifyParticipantToken(token(HEADER, claims({ exp: NOW_S - 1 })), { ...options, leewaySeconds: 0 }),
      'expired',
    );
  });

  it('honours nbf with the leeway', () => {
    refused(verifyParticipantToken(token(HEADER, claims({ nbf: NOW_S + 31 })), options), 'not yet valid');
    assert.equal(verifyParticipantToken(token(HEADER, claims({ nbf: NOW_S + 30 })), options).ok, true);
    assert.equal(verifyParticipantToken(token(HEADER, claims({ nbf: NOW_S - 10 })), options).ok, true);
    refused(verifyParticipantToken(token(HEADER, claims({ nbf: String(NOW_S) })), options), 'invalid nbf');
  });

  it('refuses a token issued (iat) in the future beyond the leeway', () => {
    refused(verifyParticipantToken(token(HEADER, claims({ iat: NOW_S + 31 })), options), 'not yet valid');
    assert.equal(verifyParticipantToken(token(HEADER, claims({ iat: NOW_S + 30 })), options).ok, true);
    assert.equal(verifyParticipantToken(token(HEADER, claims({ iat: NOW_S - 10 })), options).ok, true);
    refused(verifyParticipantToken(token(HEADER, claims({ iat: String(NOW_S) })), options), 'invalid iat');
  });

  it('requires a numeric exp', () => {
    refused(verifyParticipantToken(token(HEADER, { sub: 'u1' }), options), 'missing exp');
    refused(verifyParticipantToken(token(HEADER, claims({ exp: String(NOW_S + 3600) })), options), 'invalid exp');
    refused(verifyParticipantToken(token(HEADER, claims({ exp: null })), options), 'invalid exp');
  });

  it('requires sub of 1-128 characters, taking integers as decimal strings', () => {
    refused(verifyParticipantToken(token(HEADER, { exp: NOW_S + 60 }), options), 'missing sub');
    refused(verifyParticipantToken(token(HEADER, claims({ sub: '' })), options), 'invalid sub');
    refused(verifyParticipantToken(token(HEADER, claims({ sub: 'x'.repeat(129) })), options), 'invalid sub');
    refused(verifyParticipantToken(token(HEADER, claims({ sub: 1.5 })), options), 'invalid sub');
    refused(verifyParticipantToken(token(HEADER, claims({ sub: 2 ** 53 })), options), 'invalid sub');
    refused(verifyParticipantToken(token(HEADER, claims({ sub: { id: 'u1' } })), options), 'invalid sub');
    refused(verifyParticipantToken(token(HEADER, claims({ sub: null })), options), 'invalid sub');
    const integer = verifyParticipantToken(token(HEADER, claims({ sub: 42 })), options);
    assert.deepEqual(integer.ok && integer.userId, '42');
    const longest = verifyParticipantToken(token(HEADER, claims({ sub: 'x'.repeat(128) })), options);
    assert.equal(longest.ok, true);
  });

  it('refuses a sub holding a lone surrogate, which no member id can equal once stored', () => {
    // JSON.stringify writes a lone surrogate as the escape `\ud800`, which JSON.parse turns back into one.
    for (const sub of ['x\ud800', '\udc00', 'a\udc00\ud800b']) {
      refused(verifyParticipantToken(token(HEADER, claims({ sub })), options), 'invalid sub');
    }
    const pair = verifyParticipantToken(token(HEADER, claims({ sub: 'santa\u{1F385}' })), options);
    assert.equal(pair.ok && pair.userId, 'santa\u{1F385}');
  });

  it('checks iss only when an issuer is configured', () => {
    const withIssuer = { ...options, issuer: 'https://host.example' };
    assert.equal(verifyParticipantToken(token(HEADER, claims({ iss: 'https://host.example' })), withIssuer).ok, true);
    refused(verifyParticipantToken(token(HEADER, claims({ iss: 'https://evil.example' })), withIssuer), 'wrong issuer');
    refused(verifyParticipantToken(token(HEADER, claims()), withIssuer), 'wrong issuer');
    assert.equal(verifyParticipantToken(token(HEADER, claims({ iss: 'anything' })), options).ok, true);
  });

  it('checks aud, as a string or an array, only when an audience is configured', () => {
    const withAudience = { ...options, audience: 'santa-chat' };
    assert.equal(verifyParticipantToken(token(HEADER, claims({ aud: 'santa-chat' })), withAudience).ok, true);
    assert.equal(
      verifyParticipantToken(token(HEADER, claims({ aud: ['other', 'santa-chat'] })), withAudience).ok,
      true,
    );
    refused(verifyParticipantToken(token(HEADER, claims({ aud: ['other'] })), withAudience), 'wrong audience');
    refused(verifyParticipantToken(token(HEADER, claims({ aud: 'other' })), withAudience), 'wrong audience');
    refused(verifyParticipantToken(token(HEADER, claims()), withAudience), 'wrong audience');
    refused(verifyParticipantToken(token(HEADER, claims({ aud: [['santa-chat']] })), withAudience), 'wrong audience');
    assert.equal(verifyParticipantToken(token(HEADER, claims({ aud: 'other' })), options).ok, true);
  });

  it('refuses a crit header', () => {
    refused(verifyParticipantToken(token({ ...HEADER, crit: ['exp'] }, claims()), options), 'unsupported header');
  });

  it('refuses malformed shapes without throwing', () => {
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
      const check = verifyParticipantToken(candidate, options);
      assert.equal(check.ok, false, `accepted ${JSON.stringify(candidate.slice(0, 40))}`);
    }
    refused(verifyParticipantToken(signed(header64, encode([claims()])), options), 'malformed token');
    refused(verifyParticipantToken('x'.repeat(9000), options), 'malformed token');
    refused(verifyParticipantToken(undefined as unknown as string, options), 'malformed token');
  });

  it('refuses everything when the secret is empty', () => {
    const input = `${encode(HEADER)}.${encode(claims())}`;
    refused(verifyParticipantToken(`${input}.${hs256(input, '')}`, { ...options, secret: '' }), 'no secret configured');
  });

  it('never puts the token or the secret in a reason', () => {
    const candidates = [
      token(HEADER, claims(), 'other-secret'),
      token(HEADER, claims({ exp: NOW_S - 3600 })),
      token({ alg: 'none' }, claims()),
      'garbage',
    ];
    for (const candidate of candidates) {
      const check = verifyParticipantToken(candidate, options);
      assert.equal(check.ok, false);
      if (!check.ok) {
        assert.ok(!check.reason.includes(SECRET));
        for (const part of candidate.split('.')) assert.ok(part.length < 8 || !check.reason.includes(part));
      }
    }
  });
});
