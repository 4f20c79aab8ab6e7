/**
 * Assembles and runs one relay: store, cluster (bus and shared limits), HTTP app, WebSocket
 * server, reveal timers, catch-up.
 * `main.ts` calls it with the environment's configuration; tests call it with port 0.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp } from './app.js';
import { createOriginPolicy, type OriginPolicy } from './auth/origin.js';
import { errorBody } from './http/errors.js';
import type { JwtOptions } from './auth/jwt.js';
import type { Bus } from './bus/bus.js';
import { ChatService } from './chat.js';
import { openCluster } from './cluster.js';
import type { RelayConfig } from './config.js';
import { adminApi } from './demo/admin-api.js';
import { seedDemoGroup } from './demo/seed.js';
import { createLogger, type Logger } from './logger.js';
import { RelayMetrics } from './metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { CatchUp } from './relay/catch-up.js';
import { Dispatcher } from './relay/dispatch.js';
import { SocketHub } from './relay/hub.js';
import { SocketServer } from './relay/socket-server.js';
import { RevealScheduler } from './reveal.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

export interface RelayOverrides {
  logger?: Logger;
  now?: () => number;
  store?: Store;
  bus?: Bus;
  widgetBundlePath?: string;
}

export interface RunningRelay {
  url: string;
  /** Demo mode only: the demo site's address, as a person on this machine opens it. */
  demoUrl: string | undefined;
  port: number;
  /** `http://host:port/metrics` of the tokenless listener (`SANTA_CHAT_METRICS_PORT`), else undefined. */
  metricsUrl: string | undefined;
  app: Hono;
  store: Store;
  /** Graceful: stop accepting, close sockets 1001, let in-flight commits finish, close the store. */
  close(): Promise<void>;
}

const DEFAULT_BUNDLE = fileURLToPath(new URL('../../dist/santa-chat.js', import.meta.url));

export async function startRelay(config: RelayConfig, overrides: RelayOverrides = {}): Promise<RunningRelay> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const now = overrides.now ?? Date.now;
  const store = overrides.store ?? (await openStore(config.databaseUrl));
  const metrics = new RelayMetrics({ defaultMetrics: true });
  // In-process, or shared with the other relays through Redis when REDIS_URL is set.
  const cluster = await openCluster({
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    limits: config.limits,
    logger,
    metrics,
    bus: overrides.bus,
  }).catch(async (error: unknown) => {
    if (!overrides.store) await store.close();
    throw error;
  });
  const bus = cluster.bus;
  const jwt: JwtOptions = {
    secret: config.jwtSecret,
    leewaySeconds: config.jwtLeewaySeconds,
    now,
    ...(config.jwtIssuer !== undefined ? { issuer: config.jwtIssuer } : {}),
    ...(config.jwtAudience !== undefined ? { audience: config.jwtAudience } : {}),
  };
  const service = new ChatService({ store, bus, limits: config.limits, metrics, now, messageLimiter: cluster.messageLimiter, typingLimiter: cluster.typingLimiter });
  const hub = new SocketHub(config.limits.maxSocketsPerUser, cluster.socketRegistry);
  const catchUp = new CatchUp({ service, hub, metrics, logger });
  const reveals = new RevealScheduler({ store, hub, metrics, logger, now });

  let originPolicy: OriginPolicy = createOriginPolicy(config.allowedOrigins ?? []);
  const app = createApp({
    service,
    store,
    bus,
    metrics,
    logger,
    jwt,
    originPolicy: () => originPolicy,
    adminToken: config.adminToken,
    limits: config.limits,
    requestLimiter: cluster.requestLimiter,
    widgetBundlePath: overrides.widgetBundlePath ?? DEFAULT_BUNDLE,
    demo: config.demo !== undefined,
  });
  const dispatcher = new Dispatcher({
    service,
    hub,
    jwt,
    metrics,
    logger,
    abuseRefusedFrames: config.limits.abuseRefusedFrames,
    abuseWindowMs: config.limits.abuseWindowMs,
  });
  const sockets = new SocketServer({
    dispatcher,
    hub,
    originPolicy: () => originPolicy,
    metrics,
    logger,
    maxFrameBytes: config.limits.maxFrameBytes,
    authTimeoutMs: config.limits.authTimeoutMs,
    heartbeatIntervalMs: config.limits.heartbeatIntervalMs,
  });

  const unsubscribe = bus.subscribe((event) => {
    if (event.type === 'group') {
      reveals.reschedule().catch(() => undefined);
      return;
    }
    if (event.type === 'resync') {
      hub.reregister();
      reveals.reschedule().catch(() => undefined);
      catchUp.all().catch((error: unknown) => logger.error({ err: error }, 'catch-up failed'));
      return;
    }
    const sent = hub.deliver(event, now());
    if (event.type === 'reveal') metrics.revealSent(sent);
  });
  await reveals.start();
  if (config.demo !== undefined && config.adminToken !== undefined) {
    const seeded = await seedDemoGroup(adminApi(app, config.adminToken), now());
    logger.info({ groupId: seeded.group.id, created: seeded.created }, 'demo group ready');
  }

  const server = await listen(app, config.host, config.port);
  sockets.attach(server);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (config.allowedOrigins === undefined) {
    // The relay's own origin, under the names a browser on this machine may use for it.
    originPolicy = createOriginPolicy([url, `http://localhost:${port}`, `http://127.0.0.1:${port}`]);
  }
  logger.info({ url }, 'relay listening');

  let metricsServer: MetricsServer | undefined;
  let closing: Promise<void> | undefined;
  const relay: RunningRelay = {
    url,
    demoUrl: config.demo !== undefined ? demoUrlFor(config.host, port) : undefined,
    port,
    metricsUrl: undefined,
    app,
    store,
    close() {
      closing ??= (async () => {
        reveals.stop();
        await metricsServer?.close();
        const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await sockets.close();
        server.closeAllConnections();
        await httpClosed;
        await service.drain();
        unsubscribe();
        await cluster.close();
        if (!overrides.store) await store.close();
        logger.info('relay stopped');
      })();
      return closing;
    },
  };
  if (config.metrics !== undefined) {
    try {
      metricsServer = await startMetricsServer({ metrics, logger, ...config.metrics });
    } catch (error) {
      await relay.close();
      throw error;
    }
    relay.metricsUrl = metricsServer.url;
    logger.info({ url: metricsServer.url }, 'metrics listening');
  }
  return relay;
}

/** `localhost` when the relay listens on this machine, so the printed link opens as-is. */
function demoUrlFor(host: string, port: number): string {
  const local = ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(host);
  return `http://${local ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}/`;
}

function listen(app: Hono, hostname: string, port: number): Promise<Server> {
  // Node answers a request it cannot even turn into a Request (a malformed Host or path) before
  // any route runs; this gives it the same JSON error body as every other 400.
  const listener = getRequestListener(app.fetch, {
    errorHandler: (error) =>
      error instanceof RequestError
        ? Response.json(errorBody('BAD_REQUEST', 'The request could not be read.'), { status: 400 })
        : Response.json(errorBody('INTERNAL', 'The relay could not handle this request.'), { status: 500 }),
  });
  return new Promise((resolve, reject) => {
    const server = createServer(listener);
    server.once('error', reject);
    server.listen(port, hostname, () => resolve(server));
  });
}
