/**
 * The part of the contract the widget needs. Schemas are built when their module loads, so
 * bundlers cannot drop unused ones; importing this instead of `index.ts` keeps the relay's
 * request and admin schemas out of the widget bundle.
 */
import './jitless.js';

export type { ClientFrame } from './client-frames.js';
export * from './codes.js';
export * from './content.js';
export * from './limits.js';
export * from './objects.js';
export * from './responses.js';
export * from './server-frames.js';
