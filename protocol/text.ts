/**
 * Character rules shared by ids, names and message content (docs/protocol.md §1 and §4).
 *
 * Written as loops over UTF-16 code units, not with `String.prototype.isWellFormed` (Chrome
 * 111, Safari 16.4) or regex lookbehind (Safari 16.4), so the widget gets the same answers in
 * the older engines it still supports.
 */

const HIGH_SURROGATE_FIRST = 0xd800;
const HIGH_SURROGATE_LAST = 0xdbff;
const LOW_SURROGATE_FIRST = 0xdc00;
const LOW_SURROGATE_LAST = 0xdfff;

const isHighSurrogate = (unit: number): boolean => unit >= HIGH_SURROGATE_FIRST && unit <= HIGH_SURROGATE_LAST;
const isLowSurrogate = (unit: number): boolean => unit >= LOW_SURROGATE_FIRST && unit <= LOW_SURROGATE_LAST;

/**
 * Index of the first lone surrogate (a high one not followed by a low one, or a low one not
 * preceded by a high one), or -1. UTF-8 cannot encode a lone surrogate, so JSON, SQLite and
 * PostgreSQL turn it into U+FFFD or refuse it: an id holding one would be stored as another id.
 */
export function findLoneSurrogate(text: string): number {
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const unit = text.charCodeAt(index);
    if (isHighSurrogate(unit)) {
      if (index + 1 < length && isLowSurrogate(text.charCodeAt(index + 1))) {
        index++;
        continue;
      }
      return index;
    }
    if (isLowSurrogate(unit)) return index;
  }
  return -1;
}

/** True when `text` is valid Unicode (what `String.prototype.isWellFormed` answers). */
export function isWellFormed(text: string): boolean {
  return findLoneSurrogate(text) === -1;
}

// The embedding, override and isolate controls (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): each
// opens or closes a scope that reorders the text after it. The marks (U+200E, U+200F, U+061C)
// are left alone: they carry a direction but open no scope.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/** Index of the first bidirectional embedding, override or isolate control, or -1. */
export function findBidiControl(text: string): number {
  return BIDI_CONTROL.exec(text)?.index ?? -1;
}

/** `U+202E`: how a refusal names the character it refused. */
export function describeCodeUnit(text: string, index: number): string {
  return 'U+' + text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0');
}
