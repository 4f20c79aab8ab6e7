/**
 * The widget's entry point: registers `<santa-chat>` (once, even if the script loads twice)
 * and exports the element, the headless client and their types.
 */
import { SantaChat } from './santa-chat.component.js';

export { SantaChat } from './santa-chat.component.js';
export { SantaChatClient } from './client/client.js';
export { ClientConnectionState, DisconnectReason } from './client/types.js';
export type { ChatMessage, ClientEventMap, UnreadCounts } from './client/types.js';
export type {
  SantaChatConnectionDetail,
  SantaChatErrorDetail,
  SantaChatEventMap,
  SantaChatMessageDetail,
  SantaChatRevealDetail,
  SantaChatUnreadDetail,
} from './events/events.js';
export { DEFAULT_STRINGS, type Strings } from './i18n/strings.js';

if (!customElements.get('santa-chat')) customElements.define('santa-chat', SantaChat);

declare global {
  interface HTMLElementTagNameMap {
    'santa-chat': SantaChat;
  }
}
