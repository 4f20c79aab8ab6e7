import type { OriginPolicy } from '../auth/origin.js';
import type { JwtOptions } from '../auth/jwt.js';
import type { Bus } from '../bus/bus.js';
import type { ChatService } from '../chat.js';
import type { RelayLimits } from '../config.js';
import type { Logger } from '../logger.js';
import type { RelayMetrics } from '../metrics.js';
import type { RateLimiter } from '../relay/rate-limiter.js';
import type { Store } from '../store/store.js';

/** What the HTTP routes need; `createApp` gets it and never listens itself. */
export interface AppDependencies {
  service: ChatService;
  store: Store;
  bus: Bus;
  metrics: RelayMetrics;
  logger: Logger;
  jwt: JwtOptions;
  /** A function: the relay's own origin is known only once it listens (port 0 in tests). */
  originPolicy: () => OriginPolicy;
  adminToken: string | undefined;
  limits: RelayLimits;
  /** The per-user request rate (with Redis: shared by every relay); default: this process's own. */
  requestLimiter?: RateLimiter;
  /** Absolute path of the built widget, served at `/santa-chat.js`. */
  widgetBundlePath: string;
}

export type AppEnv = { Variables: { userId: string } };
