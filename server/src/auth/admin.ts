import { createHash, timingSafeEqual } from 'node:crypto';

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
