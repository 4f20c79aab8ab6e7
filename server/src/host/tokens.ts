/**
 * Participant tokens as a host site mints them (docs/protocol.md §1): HS256 over the shared
 * `SANTA_CHAT_JWT_SECRET`, `sub` the user id, a short `exp`. Node's own crypto, nothing else.
 */
import { createHmac } from 'node:crypto';

export interface MintOptions {
  /** `SANTA_CHAT_JWT_SECRET`, the same string the relay is started with (at least 32 bytes). */
  secret: string;
  /** Seconds until the token expires (default 3600). Keep it short; the widget renews through `tokenProvider`. */
  expiresInSeconds?: number;
  /** Set when the relay checks `SANTA_CHAT_JWT_ISSUER` / `SANTA_CHAT_JWT_AUDIENCE`. */
  issuer?: string;
  audience?: string;
  /** Milliseconds since the epoch (default `Date.now()`). */
  now?: number;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function mintParticipantToken(userId: string | number, options: MintOptions): string {
  const sub = String(userId);
  if (sub.trim() === '') throw new TypeError('mintParticipantToken: userId must not be empty');
  if (Buffer.byteLength(options.secret) < 32) {
    throw new TypeError('mintParticipantToken: the secret must be at least 32 bytes (the relay refuses shorter ones)');
  }
  const lifetime = options.expiresInSeconds ?? 3600;
  if (!Number.isInteger(lifetime) || lifetime <= 0) throw new TypeError('mintParticipantToken: expiresInSeconds must be a positive integer');
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: Record<string, unknown> = { sub, iat: issuedAt, exp: issuedAt + lifetime };
  if (options.issuer !== undefined) claims.iss = options.issuer;
  if (options.audience !== undefined) claims.aud = options.audience;
  const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${signingInput}.${createHmac('sha256', options.secret).update(signingInput).digest('base64url')}`;
}
