/**
 * Serves the demo's pretend host site (`demo/`) at `/`, in demo mode only. The pages are
 * plain files with no inline script or style, sent under a strict Content-Security-Policy, so
 * the demo also shows that the widget needs nothing looser from a host.
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { errorBody } from '../../server/src/http/errors.js';

const SITE_DIR = fileURLToPath(new URL('..', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const HOST = /^[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i;

/** The policy for the demo's pages; the socket may only go back to this relay. */
export function demoContentSecurityPolicy(requestUrl: string): string {
  const url = new URL(requestUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const ws = url.protocol === 'https:' ? 'wss' : 'ws';
  const sockets = new Set([`${ws}://localhost:${port}`, `${ws}://127.0.0.1:${port}`]);
  if (HOST.test(url.host)) sockets.add(`${ws}://${url.host}`);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${[...sockets].join(' ')}`,
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

export function demoSiteRoutes(): Hono {
  const routes = new Hono();

  async function serve(c: Context, fileName: string): Promise<Response> {
    let body: Buffer;
    try {
      body = await readFile(join(SITE_DIR, fileName));
    } catch {
      return c.json(errorBody('NOT_FOUND', 'No such page.'), 404);
    }
    c.header('Content-Type', CONTENT_TYPES[extname(fileName)] ?? 'application/octet-stream');
    c.header('Content-Security-Policy', demoContentSecurityPolicy(c.req.url));
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-cache');
    return c.body(new Uint8Array(body));
  }

  routes.get('/', (c) => serve(c, 'index.html'));
  // Only flat names with a served extension, so nothing outside `demo/` (and not start.mjs).
  routes.get('/:file{[a-z0-9][a-z0-9-]*\\.(?:html|css|js|svg)}', (c) => serve(c, c.req.param('file')));
  return routes;
}
