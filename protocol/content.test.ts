import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { checkContent, countCodePoints } from './content.js';
import type { ContentResult } from './content.js';

function outcome(result: ContentResult): string {
  return result.ok ? 'ok' : result.code;
}

type Vector = { name: string; input: string; result: 'ok' | 'EMPTY' | 'BAD_REQUEST' | 'TOO_LONG'; content?: string; codePoints?: number };

// The cases come from ../shared (the product's spec folder); a copy travels with the repository
// so a clone runs alone, and the test below catches the copy drifting from the spec.
const vectorsUrl = new URL('./content-rule-vectors.json', import.meta.url);
const specVectorsUrl = new URL('../../shared/content-rule-vectors.json', import.meta.url);
const { vectors } = JSON.parse(readFileSync(vectorsUrl, 'utf8')) as { vectors: Vector[] };

test('the vendored vectors are the spec folder\'s, where that folder is present', (context) => {
  if (!existsSync(specVectorsUrl)) {
    context.skip('../shared is not beside this checkout');
    return;
  }
  assert.deepEqual(JSON.parse(readFileSync(specVectorsUrl, 'utf8')), JSON.parse(readFileSync(vectorsUrl, 'utf8')));
});

describe('content rule vectors (docs/protocol.md §4)', () => {
  for (const vector of vectors) {
    test(vector.name, () => {
      const result = checkContent(vector.input);
      if (vector.result === 'ok') {
        assert.deepEqual(result, { ok: true, content: vector.content, codePoints: vector.codePoints });
        return;
      }
      assert.equal(outcome(result), vector.result);
      if (vector.codePoints !== undefined) assert.equal(result.codePoints, vector.codePoints);
    });
  }
});

describe('checkContent', () => {
  test('refuses a lone high surrogate at the very end', () => {
    const result = checkContent('hello \uD83C');
    assert.deepEqual(result, { ok: false, code: 'BAD_REQUEST', message: 'Message contains a lone surrogate (U+D83C).' });
  });

  test('refuses a low surrogate at the very start', () => {
    assert.equal(checkContent('\uDF85hello').ok, false);
  });

  test('refuses U+009F, the last C1 control', () => {
    assert.deepEqual(checkContent('a\u009Fb'), {
      ok: false,
      code: 'BAD_REQUEST',
      message: 'Message contains a control character (U+009F).',
    });
  });

  test('accepts U+00A0 inside, the first character after C1', () => {
    assert.deepEqual(checkContent('a\u00A0b'), { ok: true, content: 'a\u00A0b', codePoints: 3 });
  });

  test('keeps a tab inside the text', () => {
    assert.deepEqual(checkContent('gift\tideas'), { ok: true, content: 'gift\tideas', codePoints: 10 });
  });

  test('names the control character it refuses', () => {
    assert.deepEqual(checkContent('ding\u0007'), {
      ok: false,
      code: 'BAD_REQUEST',
      message: 'Message contains a control character (U+0007).',
    });
  });

  test('reports the length it refuses', () => {
    assert.deepEqual(checkContent('a'.repeat(501)), {
      ok: false,
      code: 'TOO_LONG',
      message: 'Message is 501 characters; the limit is 500.',
      codePoints: 501,
    });
  });

  test('checks EMPTY before BAD_REQUEST before TOO_LONG', () => {
    assert.equal(outcome(checkContent(' \r\n ')), 'EMPTY');
    assert.equal(outcome(checkContent('\u0007' + 'a'.repeat(600))), 'BAD_REQUEST');
    assert.equal(outcome(checkContent('a'.repeat(600))), 'TOO_LONG');
  });

  test('agrees with a plain reference implementation on any UTF-16 string', () => {
    const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
    const interesting = fc.constantFrom('\r', '\n', '\t', ' ', '\u0085', '\u009F', '\uD83C', '\uDF85', '\uD83C\uDF85', 'a');
    const text = fc.string({ unit: fc.oneof(anyCodeUnit, interesting), maxLength: 600 });
    fc.assert(
      fc.property(text, (input) => {
        const expected = referenceCheck(input);
        const result = checkContent(input);
        assert.equal(outcome(result), expected.result);
        if (result.ok) assert.equal(result.content, expected.content);
      }),
    );
  });
});

describe('countCodePoints', () => {
  test('counts like for...of on any UTF-16 string', () => {
    const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: anyCodeUnit }));
    fc.assert(fc.property(text, (input) => countCodePoints(input) === [...input].length));
  });

  test('counts an astral character once', () => {
    assert.equal(countCodePoints('\u{1F385}'), 1);
    assert.equal(countCodePoints(''), 0);
  });
});

function referenceCheck(input: string): { result: string; content?: string } {
  const content = input.replaceAll('\r\n', '\n').replaceAll('\r', '\n').trim();
  if (content === '') return { result: 'EMPTY' };
  for (const character of content) {
    const codePoint = character.codePointAt(0) ?? 0;
    const isControl = (codePoint < 0x20 && character !== '\n' && character !== '\t') || (codePoint >= 0x7f && codePoint <= 0x9f);
    const isLoneSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
    if (isControl || isLoneSurrogate) return { result: 'BAD_REQUEST' };
  }
  return [...content].length > 500 ? { result: 'TOO_LONG' } : { result: 'ok', content };
}
