import { html, type TemplateResult } from '../base/html.js';
import type { Conversation } from '../../../protocol/browser.js';
import type { Strings } from '../i18n/strings.js';

/**
 * `format` for display: each value is set in its own `<bdi>`, so a name in a right-to-left
 * script (or with stray direction controls) cannot reorder the words of the sentence around
 * it ("Bob is typing…", "Your giftee: Bob"). Attributes (aria-label, title) keep `format`.
 * Only the open panel uses it (the launcher's preview isolates its name itself): it lives in
 * the panel's chunk.
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

/** `conversationTitle` (labels.ts) for display, the name isolated in a `<bdi>`. */
export function renderConversationTitle(conversation: Conversation, strings: Strings): TemplateResult | string {
  if (conversation.role === 'santa') return formatIsolated(strings.yourGiftee, { name: conversation.peer.name });
  return conversation.peer.anonymous ? strings.yourSanta : formatIsolated(strings.yourSantaRevealed, { name: conversation.peer.name });
}
