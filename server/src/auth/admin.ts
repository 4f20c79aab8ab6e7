import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ChatError } from '../core/errors.js';
import { readBearer } from './bearer.js';

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Compares the host's bearer token in constant time. Hashing both sides first
 * gives timingSafeEqual equal-length inputs, so neither the content nor the
 * length of the expected token leaks through response timing.
 */
export function isAdminToken(presented: string | null, expected: string): boolean {
  // An empty expected token means the admin API is off; never let "" unlock it.
  if (typeof presented !== 'string' || presented.length === 0 || expected.length === 0) return false;
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/**
 * Hono middleware: the request needs `Authorization: Bearer <SANTA_CHAT_ADMIN_TOKEN>`, else 401
 * UNAUTHENTICATED (the app's error body). Guards the admin API and `/metrics`.
 */
export function requireAdminToken(adminToken: string): MiddlewareHandler {
  return async function requireAdminToken(c, next) {
    if (!isAdminToken(readBearer(c.req.header('authorization')), adminToken)) {
      throw new ChatError('UNAUTHENTICATED', 'A valid admin token is required.');
    }
    await next();
  };
}
