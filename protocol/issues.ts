import type * as z from 'zod/mini';

type RawIssue = z.core.$ZodRawIssue;

/** A parsed field or body, or the first thing wrong with it (`field` names where). */
export type FieldResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const NOUN_BY_TYPE: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  null: 'null',
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return typeof value;
}

// z.int() reports a non-number as "expected number"; its definition says it wants an integer.
function isIntegerSchema(issue: RawIssue): boolean {
  const definition: object | undefined = issue.inst?._zod.def;
  return definition !== undefined && 'format' in definition && definition.format === 'safeint';
}

function describeIssue(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (typeof issue.input === 'number' && !Number.isFinite(issue.input)) return 'is out of range';
      const expected = isIntegerSchema(issue) ? 'an integer' : (NOUN_BY_TYPE[issue.expected] ?? issue.expected);
      const got = issue.input === undefined ? 'but it is missing' : `got ${describeValue(issue.input)}`;
      return `expected ${expected}, ${got}`;
    }
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') return minimum === 1 ? 'must not be empty' : `must be at least ${minimum} characters`;
      if (issue.origin === 'array') return minimum === 1 ? 'must have at least one entry' : `must have at least ${minimum} entries`;
      return `must be at least ${minimum}`;
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${maximum} entries`;
      return `must be at most ${maximum}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}`
        : `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_format':
      return `is not a valid ${issue.format}`;
    default:
      return 'is invalid';
  }
}

/** Per-parse error map, so messages read the same wherever the protocol schemas are used. */
export const PARSE_OPTIONS = { error: describeIssue } as const;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['members', 0, 'name']` becomes `members[0].name`; the root is the empty string. */
export function formatPath(path: readonly PropertyKey[]): string {
  let formatted = '';
  for (const key of path) {
    if (typeof key === 'number') formatted += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) formatted += formatted === '' ? key : `.${key}`;
    else formatted += `[${JSON.stringify(String(key))}]`;
  }
  return formatted;
}

export type FieldFailure = { field: string; message: string };

/** The first issue of a failed parse, as a field name and a sentence that names it. */
export function firstFailure(error: z.core.$ZodError, prefix = ''): FieldFailure {
  const issue = error.issues[0];
  const field = issue === undefined ? '' : formatPath(issue.path);
  const detail = issue?.message ?? 'is invalid';
  const label = prefix !== '' && field !== '' ? `${prefix}.${field}` : prefix || field;
  return { field, message: label === '' ? capitalize(detail) + '.' : `${label}: ${detail}` };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
