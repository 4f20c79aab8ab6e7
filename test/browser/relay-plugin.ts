/**
 * Gives the browser tests a real relay: started on port 0 when the dev server starts,
 * allowing the dev server's origin, and a few dev-server routes under `/__relay/` that the
 * tests call (from the page) to mint tokens, register groups and stop or restart the relay.
 * The relay sends its webhooks to a real receiver in this process (signed with the test
 * secret); `/__relay/webhooks` lists what it received, each delivery's signature checked as a
 * host would. Only for tests: none of this exists in the product.
 */
import type { Context, Next } from 'koa';
import { startTestRelay, TEST_ADMIN_TOKEN, type TestRelay } from '../helpers/relay.js';
import { TEST_WEBHOOK_SECRET, WebhookReceiver } from '../helpers/webhook-receiver.js';

interface RelayHandle {
  relay: TestRelay | undefined;
  receiver: WebhookReceiver | undefined;
  port: number;
  dataDir: string | undefined;
  allowedOrigins: string[];
}

const handle: RelayHandle = { relay: undefined, receiver: undefined, port: 0, dataDir: undefined, allowedOrigins: [] };

async function start(): Promise<TestRelay> {
  handle.receiver ??= await WebhookReceiver.start();
  const relay = await startTestRelay({
    config: {
      port: handle.port,
      allowedOrigins: handle.allowedOrigins,
      // Unread notices only after an hour: the browser tests look at reports, not notices.
      webhooks: { url: handle.receiver.url, secret: TEST_WEBHOOK_SECRET, notifyAfterMs: 3_600_000, previews: false, retryBaseMs: 200, pollMs: 100 },
    },
    ...(handle.dataDir ? { dataDir: handle.dataDir } : {}),
  });
  handle.relay = relay;
  handle.port = relay.port;
  handle.dataDir = relay.dataDir;
  return relay;
}

export function relayPlugin() {
  return {
    name: 'santa-chat-relay',
    async serverStart({ config }: { config: { port?: number; hostname?: string } }) {
      const port = config.port ?? 8000;
      handle.allowedOrigins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
      if (config.hostname) handle.allowedOrigins.push(`http://${config.hostname}:${port}`);
      await start();
    },
    async serverStop() {
      await handle.relay?.stop();
      handle.relay = undefined;
      await handle.receiver?.close();
      handle.receiver = undefined;
    },
  };
}

async function readBody(context: Context): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of context.req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** The page of the CSP test (security-csp.test.ts), served with a strict policy. */
export const CSP_PAGE_PATH = '/test/browser/csp-page.html';
/** The page of the XSS payloads test (xss-payloads.test.ts), under the same policy. */
const STRICT_PAGES = new Set([CSP_PAGE_PATH, '/test/browser/xss-page.html']);

/**
 * The policy of a host page that only allows itself and the relay. The socket's URL is listed
 * beside the relay's http(s) origin: in CSP 3 an `http:`/`https:` source does not match a
 * `ws:`/`wss:` URL (only `'self'` does for the page's own origin).
 */
export function strictPolicy(relayUrl: string): string {
  const socketOrigin = relayUrl.replace(/^http/, 'ws');
  return `default-src 'self'; connect-src 'self' ${relayUrl} ${socketOrigin}`;
}

export async function relayMiddleware(context: Context, next: Next): Promise<void> {
  if (STRICT_PAGES.has(context.path)) {
    await next();
    context.set('Content-Security-Policy', strictPolicy(handle.relay?.url ?? `http://127.0.0.1:${handle.port}`));
    context.set('Cache-Control', 'no-store');
    return;
  }
  if (!context.path.startsWith('/__relay/')) return next();
  const route = context.path.slice('/__relay/'.length);
  const relay = handle.relay;
  if (route === 'info') {
    context.body = { url: relay?.url ?? `http://127.0.0.1:${handle.port}`, running: relay !== undefined };
  } else if (route === 'token') {
    const body = (await readBody(context)) as { userId: string; seconds?: number };
    if (!relay) throw new Error('relay is stopped');
    context.body = { token: relay.token(body.userId, body.seconds) };
  } else if (route.startsWith('group/')) {
    if (!relay) throw new Error('relay is stopped');
    const response = await relay.putGroup(decodeURIComponent(route.slice('group/'.length)), await readBody(context));
    context.status = response.status;
    context.body = await response.json();
  } else if (route.startsWith('reports/')) {
    // The organizer's view of a group's reports (GET /admin/groups/:id/reports).
    if (!relay) throw new Error('relay is stopped');
    const response = await fetch(`${relay.url}/admin/groups/${route.slice('reports/'.length)}/reports`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    context.status = response.status;
    context.body = await response.json();
  } else if (route === 'webhooks') {
    // Every delivery the receiver got, verified with the host helper (a bad signature throws).
    const receiver = handle.receiver;
    context.body = { deliveries: (receiver?.deliveries ?? []).map((delivery) => ({ id: delivery.id, event: receiver!.verify(delivery) })) };
  } else if (route === 'stop') {
    await relay?.close();
    handle.relay = undefined;
    context.body = { stopped: true };
  } else if (route === 'start') {
    const started = handle.relay ?? (await start());
    context.body = { url: started.url };
  } else {
    context.status = 404;
  }
}
