/**
 * Participant tokens (docs/protocol.md §1): `jose` checks the signature and the registered
 * claims; this file adds the contract's own rules around it (a shape gate before any crypto,
 * `iat` in the future, the id rule of `sub`) and names every refusal (protocol/refusals.ts).
 * See docs/decisions/0004.
 */
import { createHmac } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { parseId } from '../../../protocol/ids.js';
import { LIMITS } from '../../../protocol/limits.js';
import { TokenRefusal } from '../../../protocol/refusals.js';

export interface JwtOptions {
  secret: string;
  issuer?: string;
  audience?: string;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. Default 30. */
  leewaySeconds?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

export type TokenCheck =
  | { ok: true; userId: string; expiresAt: number }
  | {
      ok: false;
      reason: TokenRefusal;
      /** A few words for the relay's log (`missing exp`, `invalid sub`); never the token. */
      detail: string;
      /** `sub` as the payload claims it, when it could be read; only vouched for past the signature. */
      claimedUserId?: string;
    };

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
const MAX_TOKEN_LENGTH = LIMITS.maxTokenLength;
const DEFAULT_LEEWAY_SECONDS = 30;
const SHA256_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

// `fatal` refuses invalid UTF-8 instead of silently turning it into U+FFFD.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function refuse(reason: TokenRefusal, detail: string, claimedUserId?: string | null): TokenCheck {
  return claimedUserId == null ? { ok: false, reason, detail } : { ok: false, reason, detail, claimedUserId };
}

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

/** Node 20's base64url decoding (and jose's fallback, `atob`) forgive stray bits, padding and spaces; the gate does not. */
function isCanonicalSignature(signature64: string): boolean {
  if (!BASE64URL.test(signature64)) return false;
  const bytes = Buffer.from(signature64, 'base64url');
  return bytes.length === SHA256_BYTES && bytes.toString('base64url') === signature64;
}

function leewaySeconds(options: JwtOptions): number {
  const seconds = options.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

// The secret as jose wants it; the relay has one, tests a few.
const keys = new Map<string, Uint8Array>();
function keyOf(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (key === undefined) {
    if (keys.size >= 16) keys.clear();
    key = new TextEncoder().encode(secret);
    keys.set(secret, key);
  }
  return key;
}

/** The user id a payload claims, for the log only: never trusted, never echoed to the client. */
function claimedSub(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  return parseId((payload as JWTPayload).sub);
}

/** What a jose refusal means in the contract's words. */
function fromJose(error: unknown): TokenCheck {
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse('TOKEN_BAD_SIGNATURE', 'bad signature');
  if (error instanceof errors.JWTExpired) {
    return refuse('TOKEN_EXPIRED', 'expired', claimedSub(error.payload));
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const userId = claimedSub(error.payload);
    const { claim, reason } = error;
    if (claim === 'iss') return refuse('TOKEN_WRONG_ISSUER', 'wrong issuer', userId);
    if (claim === 'aud') return refuse('TOKEN_WRONG_AUDIENCE', 'wrong audience', userId);
    if (claim === 'nbf' && reason === 'check_failed') return refuse('TOKEN_NOT_YET_VALID', 'not yet valid', userId);
    return refuse('TOKEN_BAD_CLAIMS', `${reason === 'missing' ? 'missing' : 'invalid'} ${claim}`, userId);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return refuse('TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported algorithm');
  if (error instanceof errors.JOSENotSupported) return refuse('TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported header');
  // JWTInvalid (claims not a JSON object), JWSInvalid, and anything jose throws that we did not foresee.
  return refuse('TOKEN_MALFORMED', 'malformed token');
}

/**
 * Checks a host-minted participant token (docs/protocol.md §1). Never throws: every refusal is
 * a value naming a `TokenRefusal`, with no part of the token in it. Claims are only looked at
 * after the signature holds, so an unsigned token cannot learn which claim check it would fail.
 */
export async function verifyParticipantToken(token: string, options: JwtOptions): Promise<TokenCheck> {
  if (typeof token !== 'string' || token.length === 0) return refuse('TOKEN_MISSING', 'no token');
  if (token.length > MAX_TOKEN_LENGTH) return refuse('TOKEN_MALFORMED', 'token over 8 KiB');
  // An empty key would let anyone mint tokens; that is a configuration error,
  // not a token we could ever accept (config.ts refuses secrets under 32 bytes).
  if (typeof options.secret !== 'string' || options.secret.length === 0) {
    return refuse('TOKEN_BAD_SIGNATURE', 'no secret configured');
  }

  // The shape gate: cheap, strict, and it tells a wrong algorithm from a broken token.
  const parts = token.split('.');
  if (parts.length !== 3) return refuse('TOKEN_MALFORMED', 'malformed token');
  const [header64 = '', payload64 = '', signature64 = ''] = parts;
  const header = decodeJsonObject(header64);
  if (header === null) return refuse('TOKEN_MALFORMED', 'malformed token');
  // Exact match: 'none', other HMAC sizes, RSA/EC names (algorithm confusion) and case
  // variants are all refused; jose's `algorithms` says the same once more.
  if (header.alg !== 'HS256') return refuse('TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported algorithm');
  // RFC 7515 4.1.11: extensions listed in `crit` must be understood; we know none.
  if (Object.hasOwn(header, 'crit')) return refuse('TOKEN_UNSUPPORTED_ALGORITHM', 'unsupported header');
  if (!BASE64URL.test(payload64)) return refuse('TOKEN_MALFORMED', 'malformed token');
  if (!isCanonicalSignature(signature64)) return refuse('TOKEN_BAD_SIGNATURE', 'bad signature');

  const nowMs = (options.now ?? Date.now)();
  const leeway = leewaySeconds(options);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keyOf(options.secret), {
      algorithms: ['HS256'],
      clockTolerance: leeway,
      currentDate: new Date(nowMs),
      requiredClaims: ['sub', 'exp'],
      // An empty setting means "not configured", the way an empty env variable does.
      ...(options.issuer ? { issuer: options.issuer } : {}),
      ...(options.audience ? { audience: options.audience } : {}),
    }));
  } catch (error) {
    return fromJose(error);
  }

  const claimed = claimedSub(payload);
  // jose checks `iat` only against a maximum age; a token issued in the future comes from a
  // host whose clock is off, or was minted to be kept for later: refused like an early nbf.
  const nowSeconds = Math.floor(nowMs / 1000);
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds + leeway) {
    return refuse('TOKEN_NOT_YET_VALID', 'issued in the future', claimed);
  }
  // `sub` follows the rule of the member ids it must match (protocol/ids.ts): 1-128 characters
  // of valid Unicode, or a safe integer. A lone surrogate could never match a stored member.
  if (claimed === null) return refuse('TOKEN_BAD_CLAIMS', 'invalid sub');
  // requiredClaims and jose's type check make `exp` a number here.
  return { ok: true, userId: claimed, expiresAt: (payload.exp as number) * 1000 };
}

/**
 * Mints an HS256 token the way a host site would; for tests, the demo, the benchmarks and docs.
 * Synchronous on purpose (node:crypto), and independent of the verifier it is tested against.
 */
export function signParticipantToken(claims: ParticipantClaims, secret: string): string {
  if (secret.length === 0) throw new Error('signParticipantToken: the secret must not be empty');
  const header64 = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload64 = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signingInput = `${header64}.${payload64}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}
