/**
 * What a host site's server needs from santa-chat, importable as `santa-chat-relay/host`:
 * participant tokens, the admin API and webhook verification. Node 20's own `crypto` and `fetch`,
 * and `standardwebhooks` for the signature.
 */
export { mintParticipantToken, type MintOptions } from './tokens.js';
export {
  AdminApiError,
  createAdminClient,
  type AdminClient,
  type AdminClientOptions,
  type HostGroup,
  type HostMember,
  type StoredGroup,
} from './admin-client.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  type WebhookHeaders,
  type WebhookEvent,
  type WebhookEventType,
  type MessageUnreadEvent,
  type MessageUnreadData,
  type MessageReportedEvent,
  type MessageReportedData,
  type GroupRevealedEvent,
  type GroupRevealedData,
} from './webhooks.js';
