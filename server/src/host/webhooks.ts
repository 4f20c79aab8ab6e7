/**
 * The host's side of the relay's webhooks (docs/protocol.md §6): checks a delivery's Standard
 * Webhooks signature with the `standardwebhooks` package and returns the typed event.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { WEBHOOK_EVENT_TYPES, type WebhookEvent } from '../../../protocol/webhooks.js';

export { WebhookVerificationError };
export type {
  GroupRevealedData,
  GroupRevealedEvent,
  MessageReportedData,
  MessageReportedEvent,
  MessageUnreadData,
  MessageUnreadEvent,
  WebhookEvent,
  WebhookEventType,
} from '../../../protocol/webhooks.js';

/** Request headers as a `Headers` (fetch, Hono) or a plain object (Node's `req.headers`). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string {
  const value = headers instanceof Headers ? headers.get(name) : headers[name] ?? headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string' || first === '') throw new WebhookVerificationError(`Missing required header ${name}`);
  return first;
}

/**
 * Verifies one delivery: `body` is the raw request body as received (verify before parsing),
 * `secret` the relay's `SANTA_CHAT_WEBHOOK_SECRET` (`whsec_…`). Throws
 * `WebhookVerificationError` when the signature is wrong, a header is missing, or the
 * timestamp is more than 5 minutes off. Deduplicate on `headers['webhook-id']`: a retry
 * carries the same id.
 */
export function verifyWebhook(body: string | Buffer, headers: WebhookHeaders, secret: string): WebhookEvent {
  const event = new Webhook(secret).verify(body, {
    'webhook-id': header(headers, 'webhook-id'),
    'webhook-timestamp': header(headers, 'webhook-timestamp'),
    'webhook-signature': header(headers, 'webhook-signature'),
  }) as { type?: unknown; data?: unknown; timestamp?: unknown } | null;
  if (
    event === null ||
    typeof event !== 'object' ||
    !(WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(event.type) ||
    typeof event.timestamp !== 'string' ||
    typeof event.data !== 'object' ||
    event.data === null
  ) {
    throw new WebhookVerificationError('Signed, but not a santa-chat webhook event');
  }
  return event as WebhookEvent;
}
