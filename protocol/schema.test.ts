import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import * as z from './schema.js';

const Sample = z.object({
  type: z.literal('X'),
  count: z.integerAtLeast(0),
  name: z.nullable(z.string()),
  tags: z.array(z.string()),
  flag: z.boolean(),
  kind: z.literal(['a', 'b'] as const),
  note: z.optional(z.string()),
});

const valid = { type: 'X', count: 2, name: null, tags: ['t'], flag: true, kind: 'b' } as const;

describe('the browser-side validator', () => {
  test('accepts a valid value and keeps only the declared keys', () => {
    const result = Sample.safeParse({ ...valid, extra: 'dropped', note: 'kept' });
    assert.deepEqual(result, { success: true, data: { ...valid, note: 'kept' } });
  });

  test('an optional key may be missing; a present one must match', () => {
    assert.equal(Sample.safeParse(valid).success, true);
    assert.equal(Sample.safeParse({ ...valid, note: 5 }).success, false);
  });

  test('refuses each wrong field', () => {
    for (const broken of [
      { type: 'Y' },
      { count: -1 },
      { count: 1.5 },
      { count: 2 ** 53 },
      { count: '2' },
      { name: 5 },
      { tags: 't' },
      { tags: [1] },
      { flag: 'true' },
      { kind: 'c' },
    ]) {
      assert.equal(Sample.safeParse({ ...valid, ...broken }).success, false, JSON.stringify(broken));
    }
    for (const notAnObject of [null, [], 'x', 3, undefined]) assert.equal(Sample.safeParse(notAnObject).success, false);
  });

  test('reads own properties only, so a polluted prototype cannot supply a missing field', () => {
    const { flag: _flag, ...withoutFlag } = valid;
    const inherited = Object.create({ flag: true }) as Record<string, unknown>;
    Object.assign(inherited, withoutFlag);
    assert.equal(Sample.safeParse(inherited).success, false);
    const parsed = Sample.safeParse(JSON.parse(`{"__proto__":{"flag":true},${JSON.stringify(withoutFlag).slice(1)}`));
    assert.equal(parsed.success, false);
  });

  test('never throws, whatever the input', () => {
    fc.assert(fc.property(fc.anything(), (input) => {
      Sample.safeParse(input);
    }));
  });
});
