/**
 * `createTestApp()`: the relay's HTTP app with real parts (SQLite in memory, the in-process
 * bus, the memory limits) and no port, so route tests call `app.request()`. It answers at an
 * origin of its own (`http://relay-N.test`): the test helpers' `request()` hands any URL there
 * to the app (`inMemoryApp`), so a test written against a running relay reads the same.
 */
import type { Hono } from 'hono';
import { createApp } from './app.js';
import { signParticipantToken, type JwtOptions } from './auth/jwt.js';
import { createOriginPolicy } from './auth/origin.js';
import { RefusedOriginLog } from './auth/refusal-log.js';
import { ChatService } from './chat/service.js';
import { MemoryBus } from './cluster/memory-bus.js';
import { DEFAULT_LIMITS, type RelayLimits } from './config.js';
import { memoryLimiters } from './limits/limiters.js';
import { createLogger, type Logger } from './core/logger.js';
import { RelayMetrics } from './core/metrics.js';
import { openSqliteStore } from './store/sqlite/store.js';

export const TEST_APP_SECRET = 'test-secret-with-enough-entropy-0123456789';
export const TEST_APP_ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestAppOptions {
  limits?: Partial<RelayLimits>;
  /** Default `TEST_APP_ADMIN_TOKEN`; `undefined` turns the admin API off. */
  adminToken?: string | undefined;
  /** Default `['http://host.example']`; `undefined`: only the app's own origin. */
  allowedOrigins?: string[] | undefined;
  now?: () => number;
  widgetBundlePath?: string;
  /** Default: silent. Tests that read the relay's log lines pass their own. */
  logger?: Logger;
  /** Token checks beyond the secret (default: no leeway, no issuer or audience). */
  jwt?: Pick<JwtOptions, 'leewaySeconds' | 'issuer' | 'audience'>;
}

export interface TestApp {
  app: Hono;
  service: ChatService;
  metrics: RelayMetrics;
  /** The origin the app answers at: `request()` of the test helpers sends URLs under it to the app. */
  url: string;
  token(userId: string, seconds?: number): string;
  putGroup(groupId: string, body: unknown): Promise<Response>;
  stop(): Promise<void>;
}

const apps = new Map<string, Hono>();
let counter = 0;

/** The in-memory app answering at `url`'s origin, if any. */
export function inMemoryApp(url: string): Hono | undefined {
  return apps.get(new URL(url).origin);
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  counter += 1;
  const url = `http://relay-${counter}.test`;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const store = openSqliteStore(':memory:');
  const bus = new MemoryBus();
  const metrics = new RelayMetrics();
  const limiters = memoryLimiters(limits);
  const now = options.now ?? Date.now;
  const service = new ChatService({ store, bus, metrics, now, limiters });
  const adminToken = 'adminToken' in options ? options.adminToken : TEST_APP_ADMIN_TOKEN;
  const origins = 'allowedOrigins' in options ? options.allowedOrigins : ['http://host.example'];
  const originPolicy = createOriginPolicy(origins ?? [url]);
  const logger = options.logger ?? createLogger('silent');
  const app = createApp({
    service,
    metrics,
    logger,
    refusedOrigins: new RefusedOriginLog(logger),
    jwt: { secret: TEST_APP_SECRET, leewaySeconds: 0, now, ...options.jwt },
    originPolicy: () => originPolicy,
    adminToken,
    limits,
    requestLimiter: limiters.request,
    widgetBundlePath: options.widgetBundlePath ?? '/nonexistent/santa-chat.js',
  });
  apps.set(url, app);
  return {
    app,
    service,
    metrics,
    url,
    token: (userId, seconds = 3600) =>
      signParticipantToken({ sub: userId, exp: Math.floor(Date.now() / 1000) + seconds }, TEST_APP_SECRET),
    putGroup: async (groupId, body) =>
      app.request(`${url}/admin/groups/${encodeURIComponent(groupId)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TEST_APP_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    stop: async () => {
      apps.delete(url);
      await service.drain();
      await bus.close();
      await store.close();
    },
  };
}
