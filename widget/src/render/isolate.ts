import { html, type TemplateResult } from 'lit';

/**
 * `format` for display: each value is set in its own `<bdi>`, so a name in a right-to-left
 * script (or with stray direction controls) cannot reorder the words of the sentence around
 * it ("Bob is typing…", "Your giftee: Bob"). Attributes (aria-label, title) keep `format`.
 */
export function formatIsolated(template: string, values: Record<string, string | number>): TemplateResult {
  const parts: (string | TemplateResult)[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const key = match[1] ?? '';
    if (!(key in values)) continue;
    parts.push(template.slice(last, match.index), html`<bdi>${values[key]}</bdi>`);
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  return html`${parts}`;
}
