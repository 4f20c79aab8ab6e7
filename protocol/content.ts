import { LIMITS } from './limits.js';
import { describeCodeUnit, findLoneSurrogate } from './text.js';

export type ContentResult =
  | { ok: true; content: string; codePoints: number }
  | { ok: false; code: 'EMPTY' | 'BAD_REQUEST' | 'TOO_LONG'; message: string; codePoints?: number };

// C0 but newline and tab, DEL, C1. Lone surrogates are text.ts's rule, shared with ids and names.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

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

/** The content rule of docs/protocol.md §4; checks run in the order the contract fixes. */
export function checkContent(input: string): ContentResult {
  const normalized = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  const content = normalized.trim();
  if (content.length === 0) {
    return { ok: false, code: 'EMPTY', message: 'Message is empty.' };
  }
  const control = CONTROL_CHARACTER.exec(content)?.index ?? -1;
  if (control !== -1) {
    return { ok: false, code: 'BAD_REQUEST', message: `Message contains a control character (${describeCodeUnit(content, control)}).` };
  }
  const loneSurrogate = findLoneSurrogate(content);
  if (loneSurrogate !== -1) {
    return { ok: false, code: 'BAD_REQUEST', message: `Message contains a lone surrogate (${describeCodeUnit(content, loneSurrogate)}).` };
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
