/**
 * The part of the contract the widget needs: the relay -> client shapes (written with the
 * small validator in schema.ts), the content rule, codes and limits. Importing this instead
 * of `index.ts` keeps zod and the relay's request and admin schemas out of the bundle, and
 * nothing here uses `eval`, so the widget works under a strict CSP.
 */
export type { ClientFrame } from './client-frames.js';
export * from './codes.js';
export * from './content.js';
export * from './limits.js';
export * from './objects.js';
export * from './refusals.js';
export * from './responses.js';
export * from './server-frames.js';
