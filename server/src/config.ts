/**
 * The relay's configuration, read from the environment of docs/protocol.md §5. Every mistake is
 * a `ConfigError` with a sentence an operator can act on, never a stack trace.
 */
import { LIMITS } from '../../protocol/index.js';
import { DEFAULT_LIMITS, type RelayLimits } from './limits/relay-limits.js';

export { DEFAULT_LIMITS, type RelayLimits };
import { createOriginPolicy, parseOriginList } from './auth/origin.js';
import { ConfigError } from './core/errors.js';
import { WEBHOOK_DEFAULTS, type WebhookConfig } from './webhooks/config.js';

export { ConfigError };


export interface RelayConfig {
  port: number;
  host: string;
  jwtSecret: string;
  jwtIssuer: string | undefined;
  jwtAudience: string | undefined;
  jwtLeewaySeconds: number;
  /** Admin API is off (404) when unset. */
  adminToken: string | undefined;
  /** `undefined`: only the relay's own origin. */
  allowedOrigins: string[] | undefined;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Redis keys and the pub/sub channel start with it (`SANTA_CHAT_REDIS_PREFIX`, default `santa-chat`). */
  redisPrefix?: string | undefined;
  logLevel: string;
  limits: RelayLimits;
  /** `SANTA_CHAT_METRICS_PORT`: a tokenless `/metrics` listener of its own; unset, none. */
  metrics?: MetricsListenerConfig | undefined;
  /** `SANTA_CHAT_WEBHOOK_URL`: signed webhooks to the host; unset, none. */
  webhooks?: WebhookConfig | undefined;
}

export { WEBHOOK_DEFAULTS, type WebhookConfig } from './webhooks/config.js';

export interface MetricsListenerConfig {
  port: number;
  /** `SANTA_CHAT_METRICS_HOST`, default `127.0.0.1`: only this machine can scrape. */
  host: string;
}


type Env = Record<string, string | undefined>;

/** HS256 keys shorter than the hash (RFC 7518 §3.2) can be brute-forced from one token. */
export const MIN_JWT_SECRET_BYTES = 32;

function positiveInteger(env: Env, name: string, fallback: number, { allowZero = false } = {}): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || (!allowZero && Number(raw) === 0) || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${raw}".`);
  }
  return Number(raw);
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function loadConfig(env: Env = process.env): RelayConfig {
  const jwtSecret = optional(env, 'SANTA_CHAT_JWT_SECRET');
  const adminToken = optional(env, 'SANTA_CHAT_ADMIN_TOKEN');
  if (jwtSecret === undefined) {
    throw new ConfigError(
      'SANTA_CHAT_JWT_SECRET is not set. It is the HS256 key your site signs participant tokens with; ' +
        'set it to a long random string (for example: openssl rand -base64 32).',
    );
  }
  const secretBytes = Buffer.byteLength(jwtSecret, 'utf8');
  if (secretBytes < MIN_JWT_SECRET_BYTES) {
    throw new ConfigError(
      `SANTA_CHAT_JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes (it has ${secretBytes}); ` +
        'generate one with: openssl rand -base64 32',
    );
  }
  const port = portNumber(env, 'PORT', 8787);
  const origins = parseOriginList(env.SANTA_CHAT_ALLOWED_ORIGINS);
  try {
    createOriginPolicy(origins);
  } catch (error) {
    throw new ConfigError(`SANTA_CHAT_ALLOWED_ORIGINS: ${error instanceof Error ? error.message : String(error)}`);
  }
  const databaseUrl = optional(env, 'DATABASE_URL') ?? 'sqlite:./data/santa-chat.db';
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl.split(':')[0]}:…".`);
  }
  return {
    port,
    host: optional(env, 'HOST') ?? '127.0.0.1',
    jwtSecret,
    jwtIssuer: optional(env, 'SANTA_CHAT_JWT_ISSUER'),
    jwtAudience: optional(env, 'SANTA_CHAT_JWT_AUDIENCE'),
    jwtLeewaySeconds: LIMITS.jwtLeewaySeconds,
    adminToken,
    allowedOrigins: origins.length > 0 ? origins : undefined,
    databaseUrl,
    redisUrl: optional(env, 'REDIS_URL'),
    redisPrefix: redisPrefix(env),
    metrics: metricsListener(env, port),
    webhooks: webhookConfig(env),
    logLevel: optional(env, 'LOG_LEVEL') ?? 'info',
    limits: {
      ...DEFAULT_LIMITS,
      rateMessages: positiveInteger(env, 'SANTA_CHAT_RATE_MESSAGES', DEFAULT_LIMITS.rateMessages),
      rateWindowMs: positiveInteger(env, 'SANTA_CHAT_RATE_WINDOW_MS', DEFAULT_LIMITS.rateWindowMs),
    },
  };
}

function portNumber(env: Env, name: string, fallback: number): number {
  const port = positiveInteger(env, name, fallback, { allowZero: true });
  if (port > 65535) throw new ConfigError(`${name} must be at most 65535, got ${port}.`);
  return port;
}

/** The private `/metrics` listener, when `SANTA_CHAT_METRICS_PORT` asks for one. */
function metricsListener(env: Env, relayPort: number): MetricsListenerConfig | undefined {
  const host = optional(env, 'SANTA_CHAT_METRICS_HOST');
  if (optional(env, 'SANTA_CHAT_METRICS_PORT') === undefined) {
    if (host !== undefined) {
      throw new ConfigError('SANTA_CHAT_METRICS_HOST is set but SANTA_CHAT_METRICS_PORT is not; set the port too, or unset the host.');
    }
    return undefined;
  }
  const port = portNumber(env, 'SANTA_CHAT_METRICS_PORT', 0);
  if (port !== 0 && port === relayPort) {
    throw new ConfigError(`SANTA_CHAT_METRICS_PORT must differ from PORT (both are ${port}).`);
  }
  return { port, host: host ?? '127.0.0.1' };
}

/** Webhooks, when `SANTA_CHAT_WEBHOOK_URL` asks for them (docs/protocol.md §6). */
function webhookConfig(env: Env): WebhookConfig | undefined {
  const url = optional(env, 'SANTA_CHAT_WEBHOOK_URL');
  const secret = optional(env, 'SANTA_CHAT_WEBHOOK_SECRET');
  if (url === undefined) {
    if (secret !== undefined) {
      throw new ConfigError('SANTA_CHAT_WEBHOOK_SECRET is set but SANTA_CHAT_WEBHOOK_URL is not; set the URL too, or unset the secret.');
    }
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`SANTA_CHAT_WEBHOOK_URL must be an http:// or https:// URL, got "${url}".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`SANTA_CHAT_WEBHOOK_URL must be an http:// or https:// URL, got "${url}".`);
  }
  if (secret === undefined || !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret) || secret.length < 'whsec_'.length + 24) {
    throw new ConfigError(
      'SANTA_CHAT_WEBHOOK_SECRET must be set with SANTA_CHAT_WEBHOOK_URL to a whsec_ secret (whsec_ and at least 24 base64 characters, e.g. whsec_$(openssl rand -base64 32)).',
    );
  }
  const notifyAfterMs = positiveInteger(env, 'SANTA_CHAT_NOTIFY_AFTER_MS', WEBHOOK_DEFAULTS.notifyAfterMs);
  if (notifyAfterMs < WEBHOOK_DEFAULTS.minNotifyAfterMs) {
    throw new ConfigError(`SANTA_CHAT_NOTIFY_AFTER_MS must be at least ${WEBHOOK_DEFAULTS.minNotifyAfterMs}, got ${notifyAfterMs}.`);
  }
  const previews = optional(env, 'SANTA_CHAT_WEBHOOK_PREVIEWS');
  if (previews !== undefined && previews !== '0' && previews !== '1') {
    throw new ConfigError(`SANTA_CHAT_WEBHOOK_PREVIEWS must be 0 or 1, got "${previews}".`);
  }
  return {
    url: parsed.toString(),
    secret,
    notifyAfterMs,
    previews: previews === '1',
    retryBaseMs: positiveInteger(env, 'SANTA_CHAT_WEBHOOK_RETRY_BASE_MS', WEBHOOK_DEFAULTS.retryBaseMs),
  };
}

/** Pub/sub channels are shared by every database of a Redis server, so deployments sharing one need their own prefix. */
function redisPrefix(env: Env): string | undefined {
  const prefix = optional(env, 'SANTA_CHAT_REDIS_PREFIX');
  if (prefix !== undefined && !/^[\w.:-]{1,64}$/.test(prefix)) {
    throw new ConfigError(`SANTA_CHAT_REDIS_PREFIX must be 1-64 letters, digits, or _ . : -, got "${prefix}".`);
  }
  return prefix;
}
