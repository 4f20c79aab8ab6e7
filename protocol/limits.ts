export const PROTOCOL_VERSION = 1;

/** Defaults of docs/protocol.md; the relay may override some from its environment. */
export const LIMITS = {
  maxContentCodePoints: 500,
  maxFrameBytes: 16 * 1024,
  maxHttpBodyBytes: 64 * 1024,
  maxAdminBodyBytes: 1024 * 1024,
  historyPageDefault: 50,
  historyPageMax: 200,
  syncPageMax: 200,
  rateMessages: 10,
  rateWindowMs: 10_000,
  typingIntervalMs: 2_000,
  maxSocketsPerUser: 10,
  authTimeoutMs: 10_000,
  heartbeatIntervalMs: 30_000,
  httpRequestsPerMinute: 60,
  abuseRefusedFrames: 100,
  abuseWindowMs: 10_000,
  jwtLeewaySeconds: 30,
  /** A participant token longer than this is refused unread (`TOKEN_MALFORMED`). */
  maxTokenLength: 8192,
  maxIdLength: 128,
  /** A REPORT's optional reason, in UTF-16 code units. */
  maxReportReasonLength: 500,
} as const;
