import { html, nothing, type TemplateResult } from 'lit';
import { format, type Strings } from '../i18n/strings.js';

/** The floating button that opens and closes the panel, with the unread badge. */
export function renderLauncher(open: boolean, unreadTotal: number, strings: Strings, onToggle: () => void): TemplateResult {
  return html`<button
    type="button"
    class="launcher"
    part="launcher"
    aria-expanded=${open ? 'true' : 'false'}
    aria-label=${unreadTotal > 0 ? format(strings.openChatUnread, { count: unreadTotal }) : strings.openChat}
    @click=${onToggle}
  >
    <svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
      <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
    </svg>
    ${unreadTotal > 0 ? html`<span class="badge" part="badge" aria-hidden="true">${unreadTotal}</span>` : nothing}
  </button>`;
}

/** A message that arrived while the panel was closed, shown beside the launcher for a moment. */
export function renderPreview(preview: { name: string; content: string } | null, onOpen: () => void): TemplateResult | typeof nothing {
  if (!preview) return nothing;
  return html`<button type="button" class="preview" @click=${onOpen}>
    <strong><bdi>${preview.name}</bdi></strong><bdi>${preview.content}</bdi>
  </button>`;
}
