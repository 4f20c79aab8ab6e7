import * as z from 'zod/mini';
import { LIMITS } from './limits.js';

/** A host's user or group id: 1-128 characters, or an integer taken as its decimal string. */
export const Id = z.union(
  [
    z.string().check(z.minLength(1), z.maxLength(LIMITS.maxIdLength)),
    z.pipe(
      z.int(),
      z.transform((value: number) => String(value)),
    ),
  ],
  { error: `expected an id (a string of 1-${LIMITS.maxIdLength} characters or an integer)` },
);

export function parseId(value: unknown): string | null {
  const result = Id.safeParse(value);
  return result.success ? result.data : null;
}
