import * as z from 'zod/mini';

/**
 * zod compiles a fast parser for each object schema with `new Function`, and to find out
 * whether it may, it tries one when the schema is built. Under a strict Content-Security-Policy
 * (no 'unsafe-eval') that attempt is refused and reported as a violation on the host page.
 * The widget must work under such a policy, so its schemas are built without the compiler;
 * this module is imported before any schema module of the browser entry.
 */
z.config({ jitless: true });
