/**
 * Starts a real relay on port 0 with a fresh SQLite file, and mints tokens for it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signParticipantToken } from '../../server/src/auth/jwt.js';
import { DEFAULT_LIMITS, type RelayConfig, type RelayLimits } from '../../server/src/config.js';
import { createLogger } from '../../server/src/core/logger.js';
import { startRelay, type RelayOverrides, type RunningRelay } from '../../server/src/relay-server.js';

import { TEST_APP_ADMIN_TOKEN, TEST_APP_SECRET } from '../../server/src/app.test-support.js';

export const TEST_SECRET = TEST_APP_SECRET;
export const TEST_ADMIN_TOKEN = TEST_APP_ADMIN_TOKEN;

export interface TestRelay extends RunningRelay {
  config: RelayConfig;
  dataDir: string;
  wsUrl: string;
  /** A participant token for `userId`, valid for `seconds` (default 1 hour). */
  token(userId: string, seconds?: number): string;
  /** PUT /admin/groups/:id with the admin token. */
  putGroup(groupId: string, body: unknown): Promise<Response>;
  /** GET /metrics with the admin token, as Prometheus would scrape it. */
  metricsText(): Promise<string>;
  /** Stops the relay and removes its data directory. */
  stop(): Promise<void>;
}

export interface TestRelayOptions extends RelayOverrides {
  limits?: Partial<RelayLimits>;
  config?: Partial<RelayConfig>;
  dataDir?: string;
}

export async function startTestRelay(options: TestRelayOptions = {}): Promise<TestRelay> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'santa-chat-test-')));
  const config: RelayConfig = {
    port: 0,
    host: '127.0.0.1',
    jwtSecret: TEST_SECRET,
    jwtIssuer: undefined,
    jwtAudience: undefined,
    jwtLeewaySeconds: 0,
    adminToken: TEST_ADMIN_TOKEN,
    allowedOrigins: ['http://host.example'],
    databaseUrl: `sqlite:${join(dataDir, 'relay.db')}`,
    redisUrl: undefined,
    logLevel: 'silent',
    ...options.config,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };
  const relay = await startRelay(config, { logger: createLogger('silent'), ...options });
  return {
    ...relay,
    config,
    dataDir,
    wsUrl: `${relay.url.replace('http', 'ws')}/ws`,
    token(userId, seconds = 3600) {
      return signParticipantToken({ sub: userId, exp: Math.floor(Date.now() / 1000) + seconds }, TEST_SECRET);
    },
    putGroup(groupId, body) {
      return fetch(`${relay.url}/admin/groups/${encodeURIComponent(groupId)}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    },
    async metricsText() {
      const response = await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      if (response.status !== 200) throw new Error(`GET /metrics: ${response.status}`);
      return response.text();
    },
    async stop() {
      await relay.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A three-person raffle: alice -> bob -> cleo -> alice. */
export function threeGroup(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Office 2026',
    revealAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
    members: [
      { id: 'alice', name: 'Alice' },
      { id: 'bob', name: 'Bob' },
      { id: 'cleo', name: 'Cleo' },
    ],
    assignments: [
      { santa: 'alice', giftee: 'bob' },
      { santa: 'bob', giftee: 'cleo' },
      { santa: 'cleo', giftee: 'alice' },
    ],
    ...overrides,
  };
}
