/**
 * Why the relay refused a participant's token or a page's origin (docs/protocol.md §2, §3):
 * the first word of a 4401 / 4403 / 4003 close reason (`TOKEN_EXPIRED: …`) and `error.reason`
 * of a 401 / 403 body. Stable: codes are only ever added. Each comes with one sentence a host
 * developer can act on; no refusal ever echoes the token.
 */
export const TokenRefusal = {
  /** No token at all: no Bearer header, an AUTH frame without one, or no AUTH frame in time. */
  TOKEN_MISSING: 'TOKEN_MISSING',
  /** Not a compact JWT the relay can read (three base64url parts of JSON objects, at most 8 KiB). */
  TOKEN_MALFORMED: 'TOKEN_MALFORMED',
  /** Signed with something other than HS256 (`none` included), or with a `crit` header. */
  TOKEN_UNSUPPORTED_ALGORITHM: 'TOKEN_UNSUPPORTED_ALGORITHM',
  /** The signature does not match: another secret, or a tampered token. */
  TOKEN_BAD_SIGNATURE: 'TOKEN_BAD_SIGNATURE',
  /** `exp` is past, beyond the leeway. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** `nbf` or `iat` is in the future beyond the leeway: a clock is off. */
  TOKEN_NOT_YET_VALID: 'TOKEN_NOT_YET_VALID',
  /** `sub` or `exp` missing, or a claim of the wrong type (`sub` not an id, `exp`/`nbf`/`iat` not numbers). */
  TOKEN_BAD_CLAIMS: 'TOKEN_BAD_CLAIMS',
  /** `iss` is not `SANTA_CHAT_JWT_ISSUER` (only checked when that is set). */
  TOKEN_WRONG_ISSUER: 'TOKEN_WRONG_ISSUER',
  /** `aud` does not name `SANTA_CHAT_JWT_AUDIENCE` (only checked when that is set). */
  TOKEN_WRONG_AUDIENCE: 'TOKEN_WRONG_AUDIENCE',
  /** A token renewing a live socket is for another user than the socket's (WebSocket only). */
  TOKEN_USER_CHANGED: 'TOKEN_USER_CHANGED',
} as const;
export type TokenRefusal = (typeof TokenRefusal)[keyof typeof TokenRefusal];

export const OriginRefusal = {
  /** The page's `Origin` is not in `SANTA_CHAT_ALLOWED_ORIGINS`. */
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
} as const;
export type OriginRefusal = (typeof OriginRefusal)[keyof typeof OriginRefusal];

export const Refusal = { ...TokenRefusal, ...OriginRefusal } as const;
export type Refusal = TokenRefusal | OriginRefusal;

/** One sentence per refusal, for logs, close reasons and error messages; each fits a close reason after its code. */
export const REFUSAL_EXPLANATIONS: Readonly<Record<Refusal, string>> = {
  TOKEN_MISSING: 'No participant token was sent; send it in the AUTH frame or as a Bearer token.',
  TOKEN_MALFORMED: 'The token is not a compact JWT the relay can read (3 base64url JSON parts, at most 8 KiB).',
  TOKEN_UNSUPPORTED_ALGORITHM: 'The token must be signed with HS256, without a crit header.',
  TOKEN_BAD_SIGNATURE: "The signature does not match: sign tokens with the relay's SANTA_CHAT_JWT_SECRET.",
  TOKEN_EXPIRED: 'The token has expired; get a new one from the host site.',
  TOKEN_NOT_YET_VALID: "The token's nbf or iat is in the future: check the host's and the relay's clocks.",
  TOKEN_BAD_CLAIMS: 'The token needs sub (a user id) and exp (a number); nbf and iat must be numbers.',
  TOKEN_WRONG_ISSUER: "The token's iss is not the relay's SANTA_CHAT_JWT_ISSUER.",
  TOKEN_WRONG_AUDIENCE: "The token's aud does not name the relay's SANTA_CHAT_JWT_AUDIENCE.",
  TOKEN_USER_CHANGED: "A renewed token must be for the same user as the socket's first one.",
  ORIGIN_NOT_ALLOWED: "This page's origin is not in the relay's SANTA_CHAT_ALLOWED_ORIGINS.",
};

/** RFC 6455 §5.5: a close frame's payload is at most 125 bytes, 2 of them the code. */
export const MAX_CLOSE_REASON_BYTES = 123;

const REFUSALS: ReadonlySet<string> = new Set(Object.values(Refusal));

/** `CODE: sentence` (the code's own sentence unless one is given), cut to fit a close frame. */
export function refusalCloseReason(refusal: Refusal, sentence: string = REFUSAL_EXPLANATIONS[refusal]): string {
  const reason = `${refusal}: ${sentence}`;
  if (utf8Length(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let cut = reason;
  while (utf8Length(`${cut}…`) > MAX_CLOSE_REASON_BYTES) cut = cut.slice(0, -1);
  // Never end on half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The refusal a close reason (or any `CODE: …` text) starts with, or null when it names none. */
export function parseRefusal(reason: string): Refusal | null {
  const code = /^([A-Z_]+)(?::|$)/.exec(reason)?.[1];
  return code !== undefined && REFUSALS.has(code) ? (code as Refusal) : null;
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
