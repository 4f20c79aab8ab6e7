/**
 * Starts the relay with the demo composed onto it: the demo's pages and its pretend host API
 * (`mountDemo`) after the relay's own routes, and the seeded group. The relay itself knows
 * nothing of the demo.
 */
import { startRelay, type RelayOverrides, type RunningRelay } from '../../server/src/relay-server.js';
import { adminApi } from './admin-api.js';
import type { DemoConfig } from './config.js';
import { mountDemo } from './routes.js';
import { seedDemoGroup } from './seed.js';

export interface RunningDemo extends RunningRelay {
  /** The demo site's address, as a person on this machine opens it. */
  demoUrl: string;
}

export async function startDemo(config: DemoConfig, overrides: RelayOverrides = {}): Promise<RunningDemo> {
  const relay = await startRelay(config, {
    ...overrides,
    extendApp: (app, deps) =>
      mountDemo(app, {
        ...deps,
        adminToken: config.adminToken,
        // The demo's receiver verifies only what is sent to it: not when the environment points the webhooks elsewhere.
        webhookSecret: config.webhooks?.url.startsWith('/') ? config.webhooks.secret : undefined,
      }),
  });
  try {
    await seedDemoGroup(adminApi(relay.app, config.adminToken), Date.now());
  } catch (error) {
    await relay.close();
    throw error;
  }
  return { ...relay, demoUrl: demoUrlFor(config.host, relay.port) };
}

/** `localhost` when the relay listens on this machine, so the printed link opens as-is. */
function demoUrlFor(host: string, port: number): string {
  const local = ['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::'].includes(host);
  return `http://${local ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}/`;
}
