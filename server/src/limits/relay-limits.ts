/** The limits one relay enforces (docs/protocol.md §4), and their defaults from `protocol/`. */
import { LIMITS } from '../../../protocol/index.js';

export interface RelayLimits {
  rateMessages: number;
  rateWindowMs: number;
  typingIntervalMs: number;
  maxSocketsPerUser: number;
  authTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxFrameBytes: number;
  httpRequestsPerMinute: number;
  abuseRefusedFrames: number;
  abuseWindowMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  rateMessages: LIMITS.rateMessages,
  rateWindowMs: LIMITS.rateWindowMs,
  typingIntervalMs: LIMITS.typingIntervalMs,
  maxSocketsPerUser: LIMITS.maxSocketsPerUser,
  authTimeoutMs: LIMITS.authTimeoutMs,
  heartbeatIntervalMs: LIMITS.heartbeatIntervalMs,
  maxFrameBytes: LIMITS.maxFrameBytes,
  httpRequestsPerMinute: LIMITS.httpRequestsPerMinute,
  abuseRefusedFrames: LIMITS.abuseRefusedFrames,
  abuseWindowMs: LIMITS.abuseWindowMs,
};
