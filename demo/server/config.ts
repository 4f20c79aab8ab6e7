/**
 * The demo's configuration: the relay's own (`loadConfig`), with the demo's defaults filled in
 * where the environment is silent: secrets generated once and kept in the data folder, a
 * database there too, and a quiet log (the terminal shows the demo's address instead).
 */
import { join } from 'node:path';
import { loadConfig, type RelayConfig } from '../../server/src/config.js';
import { ConfigError } from '../../server/src/core/errors.js';
import { DemoSecretsError, loadDemoSecrets } from './secrets.js';

type Env = Record<string, string | undefined>;

export interface DemoConfig extends RelayConfig {
  /** Where the demo keeps its database and generated secrets (`SANTA_CHAT_DATA_DIR`, default `./data`). */
  dataDir: string;
  adminToken: string;
}

/** The demo's own webhook receiver (`routes.ts`), where the relay posts unless told otherwise. */
export const DEMO_WEBHOOK_PATH = '/demo/api/webhooks';
/** A demo visitor should not wait five minutes to see a notice. */
const DEMO_NOTIFY_AFTER_MS = 15_000;

function set(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function loadDemoConfig(env: Env = process.env): DemoConfig {
  const dataDir = set(env, 'SANTA_CHAT_DATA_DIR') ?? './data';
  const jwtSecret = set(env, 'SANTA_CHAT_JWT_SECRET');
  const adminToken = set(env, 'SANTA_CHAT_ADMIN_TOKEN');
  const webhookUrl = set(env, 'SANTA_CHAT_WEBHOOK_URL');
  const webhookSecret = webhookUrl === undefined ? undefined : set(env, 'SANTA_CHAT_WEBHOOK_SECRET');
  let secrets;
  try {
    secrets = loadDemoSecrets(join(dataDir, 'demo-secrets.json'), {
      ...(jwtSecret !== undefined ? { jwtSecret } : {}),
      ...(adminToken !== undefined ? { adminToken } : {}),
      ...(webhookSecret !== undefined ? { webhookSecret } : {}),
    });
  } catch (error) {
    if (!(error instanceof DemoSecretsError)) throw error;
    throw new ConfigError(`the demo's secrets: ${error.message}`);
  }
  const config = loadConfig({
    ...env,
    SANTA_CHAT_JWT_SECRET: secrets.jwtSecret,
    SANTA_CHAT_ADMIN_TOKEN: secrets.adminToken,
    DATABASE_URL: set(env, 'DATABASE_URL') ?? `sqlite:${join(dataDir, 'demo.db')}`,
    LOG_LEVEL: set(env, 'LOG_LEVEL') ?? 'warn',
    // Webhooks go to the demo's own receiver (a path: resolved against the relay's URL once it
    // listens), unless the environment names a receiver of its own.
    SANTA_CHAT_WEBHOOK_URL: webhookUrl ?? 'http://placeholder.invalid/',
    SANTA_CHAT_WEBHOOK_SECRET: secrets.webhookSecret,
    SANTA_CHAT_NOTIFY_AFTER_MS: set(env, 'SANTA_CHAT_NOTIFY_AFTER_MS') ?? String(DEMO_NOTIFY_AFTER_MS),
  });
  const webhooks = config.webhooks!;
  return {
    ...config,
    webhooks: webhookUrl === undefined ? { ...webhooks, url: DEMO_WEBHOOK_PATH } : webhooks,
    dataDir,
    adminToken: secrets.adminToken,
  };
}
