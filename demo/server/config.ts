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

function set(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function loadDemoConfig(env: Env = process.env): DemoConfig {
  const dataDir = set(env, 'SANTA_CHAT_DATA_DIR') ?? './data';
  const jwtSecret = set(env, 'SANTA_CHAT_JWT_SECRET');
  const adminToken = set(env, 'SANTA_CHAT_ADMIN_TOKEN');
  let secrets;
  try {
    secrets = loadDemoSecrets(join(dataDir, 'demo-secrets.json'), {
      ...(jwtSecret !== undefined ? { jwtSecret } : {}),
      ...(adminToken !== undefined ? { adminToken } : {}),
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
  });
  return { ...config, dataDir, adminToken: secrets.adminToken };
}
