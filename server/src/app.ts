/**
 * The relay's HTTP surface as a Hono app. It never listens: `relay-server.ts` serves it,
 * and tests can call `app.request()` directly.
 */
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { requireAdminToken } from './auth/admin.js';
import { adminRoutes } from './http/admin-routes.js';
import type { AppDependencies } from './http/context.js';
import { createErrorHandler, errorBody } from './http/errors.js';
import { participantRoutes } from './http/participant-routes.js';

export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();
  app.onError(createErrorHandler(deps.logger, deps.metrics));
  app.notFound((c) => c.json(errorBody('NOT_FOUND', 'No such route.'), 404));

  // `redis` is `off` for a single relay (no REDIS_URL); unreachable, this relay cannot reach the others.
  app.get('/healthz', async (c) => {
    const { store, redis } = await deps.service.health();
    const ok = store === 'ok' && redis !== 'unreachable';
    return c.json({ ok, store, redis }, ok ? 200 : 503);
  });

  // Live socket counts and message totals are the operator's, not the public's: the admin
  // token is required, and without one configured the route does not exist (like /admin).
  // SANTA_CHAT_METRICS_PORT serves them tokenless on a private listener (metrics-server.ts).
  if (deps.adminToken !== undefined) {
    app.get('/metrics', requireAdminToken(deps.adminToken), async (c) => {
      c.header('Content-Type', deps.metrics.contentType);
      return c.body(await deps.metrics.text());
    });
  }

  app.get('/santa-chat.js', async (c) => {
    let bundle: string;
    try {
      bundle = await readFile(deps.widgetBundlePath, 'utf8');
    } catch {
      return c.json(errorBody('NOT_FOUND', 'The widget is not built yet: run `npm run build`.'), 404);
    }
    // Module scripts load in CORS mode, so host pages on other origins need this header.
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(bundle);
  });

  if (deps.adminToken !== undefined) app.route('/admin', adminRoutes({ ...deps, adminToken: deps.adminToken }));
  app.route('/', participantRoutes(deps));
  return app;
}
