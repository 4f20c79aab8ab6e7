import { html, nothing, type TemplateResult } from '../base/html.js';
import { ClientConnectionState, DisconnectReason } from '../client/types.js';
import type { ChatController } from '../controllers/chat-controller.js';
import type { Strings } from '../i18n/strings.js';

/** The connection's state above the thread, when it is not simply connected. */
export function renderBanner(chat: ChatController, strings: Strings): TemplateResult | typeof nothing {
  if (chat.state === ClientConnectionState.CONNECTED) return nothing;
  // Why the client is disconnected, while it is (it keeps the last reason after reconnecting).
  const reason = chat.state === ClientConnectionState.DISCONNECTED ? chat.client?.lastDisconnectReason : undefined;
  if (reason === DisconnectReason.UNAUTHORIZED || reason === DisconnectReason.ORIGIN_NOT_ALLOWED) {
    // The relay's own sentence, when it named one, tells whoever sets the site up what to change.
    const detail = chat.client?.refusal?.message;
    return html`<div class="banner warn" role="alert">
      ${reason === DisconnectReason.ORIGIN_NOT_ALLOWED ? strings.originRefused : strings.unauthorized}
      ${detail ? html`<small class="detail">${detail}</small>` : nothing}
    </div>`;
  }
  if (reason === DisconnectReason.OFFLINE) return html`<div class="banner" role="status">${strings.offline}</div>`;
  if (reason === DisconnectReason.REPLACED) {
    return html`<div class="banner" role="status">
      ${strings.replaced}
      <button type="button" class="link" @click=${() => void chat.client?.connect()}>${strings.reconnect}</button>
    </div>`;
  }
  if (!chat.client) return nothing;
  return html`<div class="banner" role="status">${chat.everConnected ? strings.reconnecting : strings.connecting}</div>`;
}
