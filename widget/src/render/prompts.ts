/**
 * The santa's quick questions: a row of suggestions under their thread that fill the composer
 * (never send), on one line that scrolls sideways. Shown while the santa has sent fewer than
 * `PROMPTS_WHILE_SENT_UNDER` messages, then behind a small "Ideas" button. The giftee never
 * sees them.
 */
import { html, nothing, type TemplateResult } from '../base/html.js';
import type { Conversation } from '../../../protocol/browser.js';
import type { ChatMessage } from '../client/types.js';
import type { Strings } from '../i18n/strings.js';

export const PROMPTS_WHILE_SENT_UNDER = 3;

export interface PromptsView {
  conversation: Conversation;
  messages: readonly ChatMessage[];
  /** The host's `prompts` property; undefined: the `prompts` string, one per line; empty: none. */
  prompts: readonly string[] | undefined;
  /** The "Ideas" button was pressed (for an older thread). */
  open: boolean;
  strings: Strings;
  onPick: (prompt: string) => void;
  onToggle: () => void;
}

export function renderPrompts(view: PromptsView): TemplateResult | typeof nothing {
  const { conversation, strings } = view;
  if (conversation.role !== 'santa' || conversation.closed) return nothing;
  const prompts = view.prompts ?? strings.prompts.split('\n').filter((prompt) => prompt.trim());
  if (prompts.length === 0) return nothing;
  let sent = 0;
  for (const message of view.messages) if (message.senderId === conversation.self.id) sent++;
  const young = sent < PROMPTS_WHILE_SENT_UNDER;
  // "Ideas" first: the row scrolls sideways, and the toggle stays in view beside what it opened.
  return html`<div class="prompts" role="group" aria-label=${strings.ideasLabel}>
    ${young
      ? nothing
      : html`<button type="button" aria-expanded=${String(view.open)} @click=${view.onToggle}>${strings.ideas}</button>`}
    ${young || view.open
      ? prompts.map((prompt) => html`<button type="button" @click=${() => view.onPick(prompt)}>${prompt}</button>`)
      : nothing}
  </div>`;
}
