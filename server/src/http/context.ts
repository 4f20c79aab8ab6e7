import type { OriginPolicy } from '../auth/origin.js';
import type { JwtOptions } from '../auth/jwt.js';
import type { RefusedOriginLog } from '../auth/refusal-log.js';
import type { ChatService } from '../chat/service.js';
import type { RelayLimits } from '../limits/relay-limits.js';
import type { Logger } from '../core/logger.js';
import type { RelayMetrics } from '../core/metrics.js';
import type { RateLimiter } from '../limits/rate-limiter.js';

/** What the HTTP routes need; `createApp` gets it and never listens itself. */
export interface AppDependencies {
  service: ChatService;
  metrics: RelayMetrics;
  logger: Logger;
  jwt: JwtOptions;
  /** A function: the relay's own origin is known only once it listens (port 0 in tests). */
  originPolicy: () => OriginPolicy;
  /** Warns of refused origins, rate-limited; shared with the WebSocket door. */
  refusedOrigins: RefusedOriginLog;
  adminToken: string | undefined;
  limits: RelayLimits;
  /** The per-user request rate (with Redis: shared by every relay). */
  requestLimiter: RateLimiter;
  /** Absolute path of the built widget, served at `/santa-chat.js`. */
  widgetBundlePath: string;
}

export type AppEnv = { Variables: { userId: string } };
