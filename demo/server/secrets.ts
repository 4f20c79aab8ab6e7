/**
 * Demo mode's secrets: the JWT key, the admin token and the webhook signing secret, generated on the first `npm start`
 * and kept in a file beside the demo database, so tokens minted before a restart stay valid.
 * Values from the environment always win and are never written down.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DemoSecrets {
  jwtSecret: string;
  adminToken: string;
  /** `whsec_…`: the relay signs its webhooks to the demo's own receiver with it. */
  webhookSecret: string;
}

/** Why a secrets file could not be used; `config.ts` turns it into a `ConfigError`. */
export class DemoSecretsError extends Error {}

const SECRET_BYTES = 32;
const generate = (): string => randomBytes(SECRET_BYTES).toString('base64url');
const generateWebhookSecret = (): string => `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{24,}={0,2}$/;

function readStored(path: string): Partial<DemoSecrets> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new DemoSecretsError(`${path} cannot be read (${(error as Error).message}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DemoSecretsError(`${path} is not valid JSON; delete it and the demo makes new secrets.`);
  }
  const stored = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const pick = (key: keyof DemoSecrets): string | undefined => {
    const value = stored[key];
    return typeof value === 'string' && value.length >= 16 ? value : undefined;
  };
  const jwtSecret = pick('jwtSecret');
  const adminToken = pick('adminToken');
  const webhookSecret = pick('webhookSecret');
  return {
    ...(jwtSecret ? { jwtSecret } : {}),
    ...(adminToken ? { adminToken } : {}),
    ...(webhookSecret && WEBHOOK_SECRET.test(webhookSecret) ? { webhookSecret } : {}),
  };
}

/**
 * The secrets to run the demo with: the environment's, else the stored ones, else new ones,
 * which are then stored (mode 0600: they unlock every demo conversation).
 */
export function loadDemoSecrets(path: string, fromEnvironment: Partial<DemoSecrets>): DemoSecrets {
  if (fromEnvironment.jwtSecret && fromEnvironment.adminToken) {
    // The webhook secret never leaves this process (the relay signs, the demo verifies), so
    // without a file it can be made afresh at each start.
    return {
      jwtSecret: fromEnvironment.jwtSecret,
      adminToken: fromEnvironment.adminToken,
      webhookSecret: fromEnvironment.webhookSecret ?? generateWebhookSecret(),
    };
  }
  const stored = readStored(path);
  const toStore: DemoSecrets = {
    jwtSecret: stored.jwtSecret ?? generate(),
    adminToken: stored.adminToken ?? generate(),
    webhookSecret: stored.webhookSecret ?? generateWebhookSecret(),
  };
  if (stored.jwtSecret === undefined || stored.adminToken === undefined || stored.webhookSecret === undefined) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify({ ...toStore, createdAt: new Date().toISOString() }, null, 2)}\n`, { mode: 0o600 });
      // `mode` only applies when the file is created; an older file may have been looser.
      chmodSync(path, 0o600);
    } catch (error) {
      throw new DemoSecretsError(`${path} cannot be written (${(error as Error).message}).`);
    }
  }
  return {
    jwtSecret: fromEnvironment.jwtSecret ?? toStore.jwtSecret,
    adminToken: fromEnvironment.adminToken ?? toStore.adminToken,
    webhookSecret: fromEnvironment.webhookSecret ?? toStore.webhookSecret,
  };
}
