export const ErrorCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  NO_MATCH: 'NO_MATCH',
  EMPTY: 'EMPTY',
  TOO_LONG: 'TOO_LONG',
  TOO_LARGE: 'TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  EMPTY: 400,
  TOO_LONG: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  NO_MATCH: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export const CloseCode = {
  GOING_AWAY: 1001,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  /** The relay could not load what READY needs (its database away): reconnect with backoff. */
  INTERNAL_ERROR: 1011,
  /**
   * The page's Origin is not allowed (docs/decisions/0013): the upgrade is accepted and closed at
   * once, because a browser shows a refused upgrade as 1006, like an outage. Do not reconnect.
   */
  ORIGIN_NOT_ALLOWED: 4003,
  /** No, a bad or an expired token in AUTH (or no AUTH in time); the reason starts with a `TOKEN_*` refusal. */
  UNAUTHENTICATED: 4401,
  /** A live socket's token expired and was not renewed; the reason starts with `TOKEN_EXPIRED`. */
  TOKEN_EXPIRED: 4403,
  TOO_MANY_SOCKETS: 4409,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
