/**
 * The relay's HTTP surface as a Hono app. It never listens: `relay-server.ts` serves it,
 * and tests can call `app.request()` directly.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Hono, type Context } from 'hono';
import { requireAdminToken } from './auth/admin.js';
import { adminRoutes } from './http/admin-routes.js';
import type { AppDependencies } from './http/context.js';
import { createErrorHandler, errorBody } from './http/errors.js';
import { participantRoutes } from './http/participant-routes.js';

/** A built chunk's name: no dots but the `.js`, no slashes, so nothing outside its folder. */
const WIDGET_FILE = /^[A-Za-z0-9_-]{1,100}\.js$/;

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

  /**
   * The widget: `/santa-chat.js`, and beside it the files it imports from the same folder
   * (`/chunks/<name>.js`, the panel; `/locales/<lang>.js`), so that a strict CSP's
   * `script-src` needs the relay's origin only (docs/decisions/0016-lazy-panel.md). Only
   * names of letters, digits, `-` and `_` ending `.js` are served; nothing else of the folder.
   */
  const serveWidgetFile = async (c: Context, relativePath: string) => {
    let code: string;
    try {
      code = await readFile(join(dirname(deps.widgetBundlePath), relativePath), 'utf8');
    } catch {
      return c.json(errorBody('NOT_FOUND', 'The widget is not built yet: run `npm run build`.'), 404);
    }
    // Module scripts load in CORS mode, so host pages on other origins need this header.
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(code);
  };
  app.get('/santa-chat.js', (c) => serveWidgetFile(c, basename(deps.widgetBundlePath)));
  for (const folder of ['chunks', 'locales']) {
    app.get(`/${folder}/:file`, (c) => {
      const file = c.req.param('file');
      if (!WIDGET_FILE.test(file)) return c.json(errorBody('NOT_FOUND', 'No such route.'), 404);
      return serveWidgetFile(c, `${folder}/${file}`);
    });
  }

  if (deps.adminToken !== undefined) app.route('/admin', adminRoutes({ ...deps, adminToken: deps.adminToken }));
  app.route('/', participantRoutes(deps));
  return app;
}
