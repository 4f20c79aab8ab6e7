import { html, type TemplateResult } from 'lit';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/**
 * Message text as text: plain strings (escaped by Lit) with http(s) links built as elements.
 * Nothing in a message is ever parsed as HTML.
 */
export function linkify(text: string): Array<string | TemplateResult> {
  const parts: Array<string | TemplateResult> = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    parts.push(html`<a href=${match[0]} target="_blank" rel="noopener noreferrer">${match[0]}</a>`);
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
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
