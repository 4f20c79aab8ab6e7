export * from './codes.js';
export * from './content.js';
export * from './frames.js';
export * from './http.js';
export * from './ids.js';
export * from './limits.js';
export * from './objects.js';
export { formatPath } from './issues.js';
