import { html, type TemplateResult } from '../base/html.js';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/**
 * Message text as text: plain strings (set as text by base/html.ts) with http(s) links built as elements.
 * Nothing in a message is ever parsed as HTML. Text without a link stays one string (one
 * text node, where a list would cost a part per item).
 */
export function linkify(text: string): string | Array<string | TemplateResult> {
  URL_PATTERN.lastIndex = 0;
  const hasLink = URL_PATTERN.test(text);
  // `test` on a /g pattern moves lastIndex past the first link, and matchAll starts there.
  URL_PATTERN.lastIndex = 0;
  if (!hasLink) return text;
  const parts: Array<string | TemplateResult> = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    // A link that cannot be followed (`https://javascript:x(` has no valid port) stays text.
    if (!parses(match[0])) continue;
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(html`<a href=${match[0]} target="_blank" rel="noopener noreferrer">${match[0]}</a>`);
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function parses(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** Lower case without accents, so "Zoë" matches "zoe" (the self-outing guard). */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase();
}

/**
 * True when `content` contains the writer's name, or any part of it of three letters or
 * more, as a whole word, ignoring case and accents.
 */
export function mentionsName(content: string, name: string): boolean {
  const folded = foldForSearch(content);
  const whole = foldForSearch(name).trim();
  const parts = whole.split(/\s+/).filter((part) => part.length >= 3);
  if (whole.length >= 2) parts.push(whole);
  return parts.some((part) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(part)}($|[^\\p{L}\\p{N}])`, 'u').test(folded));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
