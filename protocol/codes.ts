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
  UNAUTHENTICATED: 4401,
  TOKEN_EXPIRED: 4403,
  TOO_MANY_SOCKETS: 4409,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
