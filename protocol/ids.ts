import * as z from 'zod/mini';
import { firstFailure, PARSE_OPTIONS, type FieldResult } from './issues.js';
import { LIMITS } from './limits.js';
import { describeCodeUnit, findLoneSurrogate } from './text.js';

/** Refuses a string holding a lone surrogate, naming it: stored, it would become another string. */
export const wellFormedText = z.superRefine((value: string, context) => {
  const index = findLoneSurrogate(value);
  if (index !== -1) {
    context.addIssue({
      code: 'custom',
      input: value,
      message: `contains a lone surrogate (${describeCodeUnit(value, index)} at index ${index}), which is not valid Unicode`,
    });
  }
});

/** A host's user or group id: 1-128 characters, or an integer taken as its decimal string. */
export const Id = z.union(
  [
    z.string().check(z.minLength(1), z.maxLength(LIMITS.maxIdLength), wellFormedText),
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

/** An id that arrives alone (a path parameter), its refusal naming `field` the way body fields are named. */
export function parseIdField(value: unknown, field: string): FieldResult<string> {
  const result = Id.safeParse(value, PARSE_OPTIONS);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, field, message: firstFailure(result.error, field).message };
}
