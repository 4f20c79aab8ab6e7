import { LIMITS } from './limits.js';

export type ContentResult =
  | { ok: true; content: string; codePoints: number }
  | { ok: false; code: 'EMPTY' | 'BAD_REQUEST' | 'TOO_LONG'; message: string; codePoints?: number };

// Without the `u` flag the regex sees UTF-16 code units, which is what lets it spot a
// surrogate that has no partner. One pass finds any forbidden character.
const FORBIDDEN_CHARACTER =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Counts Unicode code points as `for...of` would (a lone surrogate counts once), without allocating. */
export function countCodePoints(text: string): number {
  const length = text.length;
  let count = 0;
  for (let index = 0; index < length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    count++;
  }
  return count;
}

function hex(unit: number): string {
  return 'U+' + unit.toString(16).toUpperCase().padStart(4, '0');
}

/** The content rule of PROTOCOL.md §4; checks run in the order the contract fixes. */
export function checkContent(input: string): ContentResult {
  const normalized = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  const content = normalized.trim();
  if (content.length === 0) {
    return { ok: false, code: 'EMPTY', message: 'Message is empty.' };
  }
  const forbidden = FORBIDDEN_CHARACTER.exec(content);
  if (forbidden !== null) {
    const unit = forbidden[0].charCodeAt(0);
    const what = unit >= 0xd800 && unit <= 0xdfff ? 'a lone surrogate' : 'a control character';
    return { ok: false, code: 'BAD_REQUEST', message: `Message contains ${what} (${hex(unit)}).` };
  }
  const codePoints = countCodePoints(content);
  if (codePoints > LIMITS.maxContentCodePoints) {
    return {
      ok: false,
      code: 'TOO_LONG',
      message: `Message is ${codePoints} characters; the limit is ${LIMITS.maxContentCodePoints}.`,
      codePoints,
    };
  }
  return { ok: true, content, codePoints };
}
