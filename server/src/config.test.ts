/**
 * The relay's configuration from the environment (docs/protocol.md §5): defaults, and every
 * refusal as a `ConfigError` whose one sentence names the variable to change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS, loadConfig } from './config.js';
import { ConfigError } from './core/errors.js';

const SECRET = { SANTA_CHAT_JWT_SECRET: 'x'.repeat(40) };

function refusal(env: Record<string, string>, names: RegExp): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => error instanceof ConfigError && names.test(error.message) && !error.message.includes('\n'),
    JSON.stringify(env),
  );
}

describe('loadConfig', () => {
  it('needs only the JWT secret, and defaults the rest', () => {
    const config = loadConfig(SECRET);
    assert.equal(config.port, 8787);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.adminToken, undefined, 'the admin API is off without a token');
    assert.equal(config.allowedOrigins, undefined, "only the relay's own origin");
    assert.equal(config.databaseUrl, 'sqlite:./data/santa-chat.db');
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.limits, DEFAULT_LIMITS);
    assert.equal(config.metrics, undefined);
  });

  it('reads every setting it documents', () => {
    const config = loadConfig({
      ...SECRET,
      PORT: '9000',
      HOST: '0.0.0.0',
      SANTA_CHAT_ADMIN_TOKEN: 'admin',
      SANTA_CHAT_ALLOWED_ORIGINS: 'https://gifts.example.com, http://localhost:5173',
      DATABASE_URL: 'postgres://db/santa',
      REDIS_URL: 'redis://cache:6379',
      SANTA_CHAT_REDIS_PREFIX: 'gifts:prod',
      SANTA_CHAT_JWT_ISSUER: 'gifts',
      SANTA_CHAT_JWT_AUDIENCE: 'santa-chat',
      SANTA_CHAT_RATE_MESSAGES: '20',
      SANTA_CHAT_RATE_WINDOW_MS: '5000',
      SANTA_CHAT_METRICS_PORT: '9100',
      LOG_LEVEL: 'debug',
    });
    assert.equal(config.port, 9000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.adminToken, 'admin');
    assert.deepEqual(config.allowedOrigins, ['https://gifts.example.com', 'http://localhost:5173']);
    assert.equal(config.databaseUrl, 'postgres://db/santa');
    assert.equal(config.redisUrl, 'redis://cache:6379');
    assert.equal(config.redisPrefix, 'gifts:prod');
    assert.equal(config.jwtIssuer, 'gifts');
    assert.equal(config.jwtAudience, 'santa-chat');
    assert.equal(config.limits.rateMessages, 20);
    assert.equal(config.limits.rateWindowMs, 5000);
    assert.deepEqual(config.metrics, { port: 9100, host: '127.0.0.1' });
    assert.equal(config.logLevel, 'debug');
  });

  it('refuses each mistake with one sentence naming the variable', () => {
    refusal({}, /SANTA_CHAT_JWT_SECRET is not set/);
    refusal(
      { SANTA_CHAT_JWT_SECRET: 'x'.repeat(31) },
      /^SANTA_CHAT_JWT_SECRET must be at least 32 bytes \(it has 31\); generate one with: openssl rand -base64 32$/,
    );
    refusal({ ...SECRET, PORT: 'eighty' }, /^PORT must be/);
    refusal({ ...SECRET, PORT: '70000' }, /^PORT must be at most 65535/);
    refusal({ ...SECRET, SANTA_CHAT_ALLOWED_ORIGINS: 'gifts.example.com' }, /^SANTA_CHAT_ALLOWED_ORIGINS/);
    refusal({ ...SECRET, DATABASE_URL: 'mysql://db' }, /^DATABASE_URL must start with sqlite: or postgres:\/\//);
    refusal({ ...SECRET, SANTA_CHAT_REDIS_PREFIX: 'has spaces' }, /^SANTA_CHAT_REDIS_PREFIX/);
    refusal({ ...SECRET, SANTA_CHAT_RATE_MESSAGES: '0' }, /^SANTA_CHAT_RATE_MESSAGES must be a positive integer/);
    refusal({ ...SECRET, SANTA_CHAT_METRICS_HOST: '0.0.0.0' }, /SANTA_CHAT_METRICS_PORT is not/);
    refusal({ ...SECRET, PORT: '9000', SANTA_CHAT_METRICS_PORT: '9000' }, /SANTA_CHAT_METRICS_PORT must differ from PORT/);
  });

  it('counts the JWT secret in UTF-8 bytes: 32 are enough, whatever the characters', () => {
    assert.equal(loadConfig({ SANTA_CHAT_JWT_SECRET: 'x'.repeat(32) }).jwtSecret, 'x'.repeat(32));
    assert.equal(loadConfig({ SANTA_CHAT_JWT_SECRET: '\u{1F385}'.repeat(8) }).jwtSecret.length, 16);
    assert.throws(() => loadConfig({ SANTA_CHAT_JWT_SECRET: '\u{1F385}'.repeat(7) }), /at least 32 bytes \(it has 28\)/);
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({ ...SECRET, PORT: ' ', SANTA_CHAT_ADMIN_TOKEN: '', DATABASE_URL: '  ' });
    assert.equal(config.port, 8787);
    assert.equal(config.adminToken, undefined);
    assert.equal(config.databaseUrl, 'sqlite:./data/santa-chat.db');
  });

  describe('webhooks', () => {
    const hook = { ...SECRET, SANTA_CHAT_WEBHOOK_URL: 'https://host.example/hooks' };
    const whsec = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

    it('are off without a URL, and default the rest with one', () => {
      assert.equal(loadConfig(SECRET).webhooks, undefined);
      const config = loadConfig({ ...hook, SANTA_CHAT_WEBHOOK_SECRET: whsec });
      assert.deepEqual(config.webhooks, {
        url: 'https://host.example/hooks',
        secret: whsec,
        notifyAfterMs: 300_000,
        previews: false,
        retryBaseMs: 5000,
      });
      const tuned = loadConfig({
        ...hook,
        SANTA_CHAT_WEBHOOK_SECRET: whsec,
        SANTA_CHAT_NOTIFY_AFTER_MS: '1000',
        SANTA_CHAT_WEBHOOK_PREVIEWS: '1',
      });
      assert.equal(tuned.webhooks?.notifyAfterMs, 1000);
      assert.equal(tuned.webhooks?.previews, true);
    });

    it('refuse a URL without a whsec_ secret, a secret without a URL, and a notice sooner than 1 s', () => {
      refusal(hook, /SANTA_CHAT_WEBHOOK_SECRET/);
      refusal({ ...hook, SANTA_CHAT_WEBHOOK_SECRET: 'plain-secret-that-is-long-enough' }, /SANTA_CHAT_WEBHOOK_SECRET.*whsec_/);
      refusal({ ...hook, SANTA_CHAT_WEBHOOK_SECRET: 'whsec_short' }, /SANTA_CHAT_WEBHOOK_SECRET/);
      refusal({ ...SECRET, SANTA_CHAT_WEBHOOK_SECRET: whsec }, /SANTA_CHAT_WEBHOOK_URL/);
      refusal({ ...hook, SANTA_CHAT_WEBHOOK_URL: 'ftp://host.example/', SANTA_CHAT_WEBHOOK_SECRET: whsec }, /SANTA_CHAT_WEBHOOK_URL/);
      refusal({ ...hook, SANTA_CHAT_WEBHOOK_SECRET: whsec, SANTA_CHAT_NOTIFY_AFTER_MS: '999' }, /SANTA_CHAT_NOTIFY_AFTER_MS.*1000/);
      refusal({ ...hook, SANTA_CHAT_WEBHOOK_SECRET: whsec, SANTA_CHAT_WEBHOOK_PREVIEWS: 'yes' }, /SANTA_CHAT_WEBHOOK_PREVIEWS/);
    });
  });
});
