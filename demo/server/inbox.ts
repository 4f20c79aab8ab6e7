/**
 * The demo's webhook receiver, playing Jolly Swap's server: each delivery's signature is
 * checked with `verifyWebhook` (as a host would, from `santa-chat-relay/host`), then kept as
 * the email the site would send, for the developer drawer. In memory, newest first.
 */
import { verifyWebhook, type WebhookEvent } from '../../server/src/host/index.js';
import { DEMO_PEOPLE } from './seed.js';

export interface DemoEmail {
  webhookId: string;
  type: WebhookEvent['type'];
  receivedAt: string;
  /** Always true for what is kept: a delivery that fails verification is refused (400). */
  signatureVerified: true;
  to: string;
  subject: string;
  body: string;
  /** The event as received, for the curious. */
  event: WebhookEvent;
}

const KEPT = 50;

const nameOf = (id: string): string => DEMO_PEOPLE.find((person) => person.id === id)?.name ?? id;

export function emailFor(event: WebhookEvent): Pick<DemoEmail, 'to' | 'subject' | 'body'> {
  switch (event.type) {
    case 'message.unread': {
      const { data } = event;
      const messages = data.unread === 1 ? 'a message' : `${data.unread} messages`;
      return {
        to: nameOf(data.userId),
        subject: `${data.peer.name} sent you ${messages} on Jolly Swap`,
        body:
          `Hi ${nameOf(data.userId)},\n\n${data.peer.name} wrote to you (your ${data.role === 'giftee' ? 'Secret Santa' : 'giftee'}), ` +
          `and it has been waiting since ${new Date(data.firstUnreadAt).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC.` +
          (data.preview === undefined ? '' : `\n\n“${data.preview}”`) +
          '\n\nOpen Jolly Swap to reply.',
      };
    }
    case 'message.reported': {
      const { data } = event;
      return {
        to: 'The organizer',
        subject: `${nameOf(data.reporterId)} reported a message from ${nameOf(data.senderId)}`,
        body: `Message: “${data.text}”\nReason: ${data.reason ?? '(none given)'}\nReported at ${data.reportedAt}.`,
      };
    }
    case 'group.revealed':
      return {
        to: 'Everyone in the group',
        subject: 'The names are out!',
        body: 'Your Secret Santa is revealed: open Jolly Swap to see who it was.',
      };
  }
}

export class DemoInbox {
  readonly #secret: string;
  readonly #emails: DemoEmail[] = [];
  readonly #seen = new Set<string>();

  constructor(secret: string) {
    this.#secret = secret;
  }

  /** Verifies and keeps one delivery; throws when the signature does not hold. A retry is kept once. */
  receive(body: string, headers: Headers, now = new Date()): void {
    const event = verifyWebhook(body, headers, this.#secret);
    const webhookId = headers.get('webhook-id') ?? '';
    if (this.#seen.has(webhookId)) return;
    this.#seen.add(webhookId);
    this.#emails.unshift({
      webhookId,
      type: event.type,
      receivedAt: now.toISOString(),
      signatureVerified: true,
      ...emailFor(event),
      event,
    });
    this.#emails.splice(KEPT);
  }

  list(): DemoEmail[] {
    return [...this.#emails];
  }
}
