import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseId } from '../../../protocol/ids.js';

export interface JwtOptions {
  secret: string;
  issuer?: string;
  audience?: string;
  /** Clock skew tolerated on `exp` and `nbf`. Default 30. */
  leewaySeconds?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

export type TokenCheck =
  | { ok: true; userId: string; expiresAt: number }
  | { ok: false; reason: string };

export type ParticipantClaims = {
  sub: string;
  exp: number;
  nbf?: number;
  iat?: number;
  iss?: string;
  aud?: string | string[];
  [claim: string]: unknown;
};

// Anything longer is not a participant token; refusing early caps the work an
// anonymous caller can make us do (base64 decoding, JSON parsing, HMAC).
const MAX_TOKEN_LENGTH = 8192;
const DEFAULT_LEEWAY_SECONDS = 30;
const SHA256_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

// `fatal` refuses invalid UTF-8 instead of silently turning it into U+FFFD.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const refuse = (reason: string): TokenCheck => ({ ok: false, reason });

function decodeJsonObject(part: string): Record<string, unknown> | null {
  if (!BASE64URL.test(part)) return null;
  try {
    const parsed: unknown = JSON.parse(strictUtf8.decode(Buffer.from(part, 'base64url')));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    return parsed as Record<string, unknown>;
  } catch {
    return null;
  }
}

function hmacSha256(secret: string, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

function signatureMatches(secret: string, signingInput: string, signature64: string): boolean {
  if (!BASE64URL.test(signature64)) return false;
  const presented = Buffer.from(signature64, 'base64url');
  // Buffer ignores stray trailing bits, so several strings decode to the same
  // bytes; only the canonical encoding is accepted to keep tokens unmalleable.
  if (presented.length !== SHA256_BYTES || presented.toString('base64url') !== signature64) {
    return false;
  }
  return timingSafeEqual(presented, hmacSha256(secret, signingInput));
}

function audienceContains(aud: unknown, expected: string): boolean {
  if (typeof aud === 'string') return aud === expected;
  return Array.isArray(aud) && aud.some((entry) => entry === expected);
}

function leewayMs(options: JwtOptions): number {
  const seconds = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/**
 * Checks a host-minted participant token (docs/protocol.md §1). Never throws:
 * every refusal is a value with a short reason that never echoes the token.
 * Claims are only looked at after the signature holds, so an unsigned token
 * cannot learn anything about which claim checks it would fail.
 */
export function verifyParticipantToken(token: string, options: JwtOptions): TokenCheck {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return refuse('malformed token');
  // An empty key would let anyone mint tokens; that is a configuration error,
  // not a token we could ever accept.
  if (typeof options.secret !== 'string' || options.secret.length === 0) return refuse('no secret configured');

  const parts = token.split('.');
  if (parts.length !== 3) return refuse('malformed token');
  const [header64 = '', payload64 = '', signature64 = ''] = parts;

  const header = decodeJsonObject(header64);
  if (header === null) return refuse('malformed token');
  // Exact match: 'none', other HMAC sizes, RSA/EC names (algorithm confusion)
  // and case variants are all refused.
  if (header.alg !== 'HS256') return refuse('unsupported algorithm');
  // RFC 7515 4.1.11: extensions listed in `crit` must be understood; we know none.
  if (Object.hasOwn(header, 'crit')) return refuse('unsupported header');

  if (!signatureMatches(options.secret, `${header64}.${payload64}`, signature64)) {
    return refuse('bad signature');
  }

  const claims = decodeJsonObject(payload64);
  if (claims === null) return refuse('malformed token');

  const nowMs = (options.now ?? Date.now)();
  const leeway = leewayMs(options);

  const { exp, nbf, iat } = claims;
  if (exp === undefined) return refuse('missing exp');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return refuse('invalid exp');
  if (nowMs >= exp * 1000 + leeway) return refuse('expired');

  if (nbf !== undefined) {
    if (typeof nbf !== 'number' || !Number.isFinite(nbf)) return refuse('invalid nbf');
    if (nowMs < nbf * 1000 - leeway) return refuse('not yet valid');
  }

  // A token issued in the future comes from a host whose clock is off, or was minted to be
  // kept for later; like an early nbf, it is refused beyond the leeway.
  if (iat !== undefined) {
    if (typeof iat !== 'number' || !Number.isFinite(iat)) return refuse('invalid iat');
    if (nowMs < iat * 1000 - leeway) return refuse('not yet valid');
  }

  // `sub` follows the rule of the member ids it must match (protocol/ids.ts): 1-128 characters
  // of valid Unicode, or a safe integer. A lone surrogate could never match a stored member.
  if (claims.sub === undefined) return refuse('missing sub');
  const userId = parseId(claims.sub);
  if (userId === null) return refuse('invalid sub');

  // An empty setting means "not configured", the way an empty env variable does.
  if (options.issuer && claims.iss !== options.issuer) return refuse('wrong issuer');
  if (options.audience && !audienceContains(claims.aud, options.audience)) {
    return refuse('wrong audience');
  }

  return { ok: true, userId, expiresAt: exp * 1000 };
}

/** Mints an HS256 token the way a host site would; for tests, the demo and docs. */
export function signParticipantToken(claims: ParticipantClaims, secret: string): string {
  if (secret.length === 0) throw new Error('signParticipantToken: the secret must not be empty');
  const header64 = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload64 = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signingInput = `${header64}.${payload64}`;
  return `${signingInput}.${hmacSha256(secret, signingInput).toString('base64url')}`;
}
