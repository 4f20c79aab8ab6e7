/**
 * Assembles and runs one relay: store, cluster (bus and shared limits), HTTP app, WebSocket
 * server, reveal timers, catch-up.
 * `main.ts` calls it with the environment's configuration; tests call it with port 0.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp } from './app.js';
import { createOriginPolicy, type OriginPolicy } from './auth/origin.js';
import { RefusedOriginLog } from './auth/refusal-log.js';
import type { AppDependencies } from './http/context.js';
import { errorBody } from './http/errors.js';
import type { JwtOptions } from './auth/jwt.js';
import type { Bus } from './cluster/bus.js';
import { ChatService } from './chat/service.js';
import { openCluster, type Cluster } from './cluster/open-cluster.js';
import type { RelayConfig } from './config.js';
import { createLogger, type Logger } from './core/logger.js';
import { RelayMetrics } from './core/metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { CatchUp } from './sockets/catch-up.js';
import { Dispatcher } from './sockets/dispatch.js';
import { SocketHub } from './sockets/hub.js';
import { routeBusEvents } from './sockets/fan-out.js';
import { SocketServer } from './sockets/socket-server.js';
import { RevealScheduler } from './reveal.js';
import { openStore } from './open-store.js';
import type { Store } from './store/store.js';
import { WebhookWorker } from './webhooks/worker.js';

export interface RelayOverrides {
  logger?: Logger;
  now?: () => number;
  store?: Store;
  bus?: Bus;
  widgetBundlePath?: string;
  /** Adds routes after the relay's own (the demo mounts its site this way); never in production. */
  extendApp?: (app: Hono, deps: AppDependencies) => void;
}

export interface RunningRelay {
  url: string;
  port: number;
  /** `http://host:port/metrics` of the tokenless listener (`SANTA_CHAT_METRICS_PORT`), else undefined. */
  metricsUrl: string | undefined;
  app: Hono;
  /** Graceful: stop accepting, close sockets 1001, let in-flight commits finish, close the store. */
  close(): Promise<void>;
}

/**
 * The widget's script-tag build, from the `santa-chat` package the relay depends on (in this
 * repository, the widget/ workspace: `npm install` builds it).
 */
export function widgetBundlePath(): string {
  try {
    return createRequire(import.meta.url).resolve('santa-chat/santa-chat.js');
  } catch {
    return fileURLToPath(new URL('../../widget/dist/santa-chat.js', import.meta.url));
  }
}

/** The parts of one relay process, before it listens. */
interface RelayParts {
  logger: Logger;
  now: () => number;
  store: Store;
  metrics: RelayMetrics;
  cluster: Cluster;
  jwt: JwtOptions;
  service: ChatService;
  hub: SocketHub;
  catchUp: CatchUp;
  reveals: RevealScheduler;
  /** With `SANTA_CHAT_WEBHOOK_URL`: the webhook queue's loop. */
  webhooks: WebhookWorker | null;
}

export async function startRelay(config: RelayConfig, overrides: RelayOverrides = {}): Promise<RunningRelay> {
  const parts = await assemble(config, overrides);
  const { logger, metrics, service, reveals } = parts;
  let originPolicy: OriginPolicy = createOriginPolicy(config.allowedOrigins ?? []);
  const refusedOrigins = new RefusedOriginLog(logger);
  const deps: AppDependencies = {
    service,
    metrics,
    logger,
    jwt: parts.jwt,
    originPolicy: () => originPolicy,
    refusedOrigins,
    adminToken: config.adminToken,
    limits: config.limits,
    requestLimiter: parts.cluster.limiters.request,
    widgetBundlePath: overrides.widgetBundlePath ?? widgetBundlePath(),
  };
  const app = createApp(deps);
  overrides.extendApp?.(app, deps);
  const sockets = socketServer(config, parts, () => originPolicy, refusedOrigins);
  const unsubscribe = routeBusEvents({ ...parts, bus: parts.cluster.bus });
  await reveals.start();

  const server = await listen(app, config.host, config.port);
  sockets.attach(server);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (config.allowedOrigins === undefined) {
    // The relay's own origin, under the names a browser on this machine may use for it.
    originPolicy = createOriginPolicy([url, `http://localhost:${port}`, `http://127.0.0.1:${port}`]);
  }
  parts.webhooks?.start(url);
  logger.info({ url }, 'relay listening');

  // Assigned once it listens; `close` may run before that (when it cannot start).
  let metricsServer: MetricsServer | undefined;
  const relay: RunningRelay = {
    url,
    port,
    metricsUrl: undefined,
    app,
    close: once(async () => {
      reveals.stop();
      await parts.webhooks?.stop();
      await metricsServer?.close();
      const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await sockets.close();
      server.closeAllConnections();
      await httpClosed;
      await service.drain();
      unsubscribe();
      await parts.cluster.close();
      if (!overrides.store) await parts.store.close();
      logger.info('relay stopped');
    }),
  };
  metricsServer = await startMetricsListener(config, parts, relay);
  relay.metricsUrl = metricsServer?.url;
  return relay;
}

/** Store, cluster (bus and shared limits), service, hub, catch-up and reveal timers. */
async function assemble(config: RelayConfig, overrides: RelayOverrides): Promise<RelayParts> {
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
  const jwt: JwtOptions = {
    secret: config.jwtSecret,
    leewaySeconds: config.jwtLeewaySeconds,
    now,
    ...(config.jwtIssuer !== undefined ? { issuer: config.jwtIssuer } : {}),
    ...(config.jwtAudience !== undefined ? { audience: config.jwtAudience } : {}),
  };
  const service = new ChatService({
    store,
    bus: cluster.bus,
    metrics,
    now,
    limiters: cluster.limiters,
    webhooks: config.webhooks,
  });
  const hub = new SocketHub(config.limits.maxSocketsPerUser, cluster.socketRegistry);
  const catchUp = new CatchUp({ service, hub, metrics, logger });
  const reveals = new RevealScheduler({ store, hub, metrics, logger, now });
  const webhooks = config.webhooks ? new WebhookWorker({ store, config: config.webhooks, metrics, logger, now }) : null;
  return { logger, now, store, metrics, cluster, jwt, service, hub, catchUp, reveals, webhooks };
}

/** The tokenless `/metrics` listener when `SANTA_CHAT_METRICS_PORT` asks for one; closes the relay if it cannot start. */
async function startMetricsListener(config: RelayConfig, parts: RelayParts, relay: RunningRelay): Promise<MetricsServer | undefined> {
  if (config.metrics === undefined) return undefined;
  try {
    const server = await startMetricsServer({ metrics: parts.metrics, logger: parts.logger, ...config.metrics });
    parts.logger.info({ url: server.url }, 'metrics listening');
    return server;
  } catch (error) {
    await relay.close();
    throw error;
  }
}

/** The first call runs `work`; every call returns its promise. */
function once(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= work());
}

function socketServer(
  config: RelayConfig,
  parts: RelayParts,
  originPolicy: () => OriginPolicy,
  refusedOrigins: RefusedOriginLog,
): SocketServer {
  const { service, hub, jwt, metrics, logger } = parts;
  const dispatcher = new Dispatcher({
    service,
    hub,
    jwt,
    metrics,
    logger,
    abuseRefusedFrames: config.limits.abuseRefusedFrames,
    abuseWindowMs: config.limits.abuseWindowMs,
  });
  return new SocketServer({
    dispatcher,
    hub,
    originPolicy,
    refusedOrigins,
    metrics,
    logger,
    maxFrameBytes: config.limits.maxFrameBytes,
    authTimeoutMs: config.limits.authTimeoutMs,
    heartbeatIntervalMs: config.limits.heartbeatIntervalMs,
  });
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
