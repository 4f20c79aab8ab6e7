/**
 * `verifyWebhook`: accepts what `standardwebhooks` signs (as the relay does), and refuses a
 * wrong secret, a changed body, a missing header, a stale timestamp and a foreign event.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from './index.js';

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const OTHER = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const body = JSON.stringify({ type: 'group.revealed', timestamp: '2026-12-24T18:00:00.000Z', data: { groupId: 'g', revealAt: '2026-12-24T18:00:00.000Z' } });

function signed(payload = body, at = new Date(), secret = SECRET): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new Webhook(secret).sign('msg_1', new Date(timestamp * 1000), payload),
  };
}

describe('verifyWebhook', () => {
  it('returns the typed event of a good delivery, from a plain object or a Headers', () => {
    const event = verifyWebhook(body, signed(), SECRET);
    assert.equal(event.type, 'group.revealed');
    assert.deepEqual(verifyWebhook(Buffer.from(body), new Headers(signed()), SECRET), event);
  });

  it('refuses what it should', () => {
    const refuses = (run: () => unknown): void => void assert.throws(run, WebhookVerificationError);
    refuses(() => verifyWebhook(body, signed(), OTHER));
    refuses(() => verifyWebhook(body.replace('"g"', '"h"'), signed(), SECRET));
    refuses(() => verifyWebhook(body, { ...signed(), 'webhook-signature': '' }, SECRET));
    refuses(() => verifyWebhook(body, signed(body, new Date(Date.now() - 10 * 60_000)), SECRET));
    const foreign = JSON.stringify({ type: 'invoice.paid', timestamp: 'x', data: {} });
    refuses(() => verifyWebhook(foreign, signed(foreign), SECRET));
  });
});
