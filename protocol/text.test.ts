import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { describeCodeUnit, findBidiControl, findLoneSurrogate, isWellFormed } from './text.js';

describe('findLoneSurrogate', () => {
  const cases: [string, string, number][] = [
    ['plain text', 'Alice', -1],
    ['an emoji (a whole pair)', 'x\u{1F385}y', -1],
    ['two pairs in a row', '\u{1F385}\u{1F384}', -1],
    ['the empty string', '', -1],
    ['a high surrogate at the end', 'x\ud800', 1],
    ['a high surrogate followed by a letter', '\ud800y', 0],
    ['a low surrogate alone', 'ab\udc00', 2],
    ['two high surrogates', '\ud800\ud800\udc00', 0],
    ['a pair followed by a lone low one', '\ud83c\udf85\udf85', 2],
    ['a low then a high (reversed pair)', '\udc00\ud800', 0],
  ];
  for (const [name, text, expected] of cases) {
    test(`${name}: ${expected}`, () => {
      assert.equal(findLoneSurrogate(text), expected);
      assert.equal(isWellFormed(text), expected === -1);
    });
  }

  test('agrees with String.prototype.isWellFormed on any UTF-16 string', () => {
    // Node 20 has the built-in; the widget's engines may not, which is why text.ts has a loop.
    const builtIn = (text: string): boolean => (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed?.call(text) ?? true;
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.integer({ min: 0xd7ff, max: 0xe000 }), fc.integer({ min: 0, max: 0xffff })).map((unit) => String.fromCharCode(unit)) }), (text) => {
        assert.equal(isWellFormed(text), builtIn(text));
      }),
    );
  });
});

describe('findBidiControl', () => {
  test('finds every embedding, override and isolate control', () => {
    for (const unit of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      assert.equal(findBidiControl(`ab${String.fromCharCode(unit)}c`), 2, describeCodeUnit(String.fromCharCode(unit), 0));
    }
  });

  test('leaves right-to-left text and the direction marks alone', () => {
    for (const text of ['שלום', 'مرحبا', 'a\u200eb', 'a\u200fb', 'a\u061cb', '\u2029\u2065\u206a\u2029']) {
      assert.equal(findBidiControl(text), -1, text);
    }
  });
});

test('describeCodeUnit names a code unit as U+XXXX', () => {
  assert.equal(describeCodeUnit('x\u202e', 1), 'U+202E');
  assert.equal(describeCodeUnit('\u0007', 0), 'U+0007');
});
