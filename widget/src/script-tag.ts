/**
 * The entry of the script-tag module (dist/santa-chat.js, which the relay serves): the
 * package's entry (santa-chat.ts) without `DEFAULT_STRINGS`. Half of that table is the
 * panel's and loads with the panel's chunk (docs/decisions/0016-lazy-panel.md), so this
 * module cannot export it whole; the package (`import … from 'santa-chat'`) and the IIFE do.
 */
export { ClientConnectionState, DisconnectReason, SantaChat, SantaChatClient } from './santa-chat.js';
