/**
 * One webhook attempt against real HTTP endpoints on port 0: a Standard Webhooks POST a host
 * verifies with the secret, delivered only on 2xx (a redirect is not followed), and every
 * failure a result naming why (status, `timeout`, the connection error's code), never a throw.
 * The loop around it (queue, retries, leases) is tested through real relays in `test/webhooks*.test.ts`.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TEST_WEBHOOK_SECRET, WebhookReceiver } from '../../../test/helpers/webhook-receiver.js';
import { WebhookSender } from './sender.js';

const EVENT = { type: 'message.unread', timestamp: '2026-12-01T10:00:00.000Z', data: { conversationId: 'c_1' } };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
}

describe('WebhookSender', () => {
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await WebhookReceiver.start();
  });
  after(() => receiver.close());

  it('POSTs the payload signed so that the host verifies it, with the id and the timestamp in seconds', async () => {
    const sender = new WebhookSender(receiver.url, TEST_WEBHOOK_SECRET, 5_000);
    const payload = JSON.stringify(EVENT);
    const second = Math.floor(Date.now() / 1000);
    const result = await sender.send('msg_signed', payload, new Date(second * 1000 + 900));
    assert.deepEqual(result, { delivered: true, status: '200' });
    const delivery = receiver.deliveries.find((entry) => entry.id === 'msg_signed');
    assert.ok(delivery, receiver.summary());
    assert.equal(delivery.body, payload);
    assert.equal(delivery.timestamp, String(second));
    assert.match(delivery.signature, /^v1,[A-Za-z0-9+/]+=*$/);
    assert.equal(delivery.headers['content-type'], 'application/json');
    assert.equal(delivery.headers['user-agent'], 'santa-chat-relay');
    assert.deepEqual(receiver.verify(delivery), EVENT);
    assert.throws(() => receiver.verify({ ...delivery, body: `${payload} ` }));
    assert.throws(() => receiver.verify(delivery, `whsec_${Buffer.from('another-secret-of-thirty-two-by').toString('base64')}`));
  });

  it('is delivered on any 2xx and not on anything else, redirects included (not followed)', async () => {
    const sender = new WebhookSender(receiver.url, TEST_WEBHOOK_SECRET, 5_000);
    for (const [status, delivered] of [
      [204, true],
      [299, true],
      [302, false],
      [400, false],
      [410, false],
      [500, false],
    ] as const) {
      receiver.respond = () => status;
      assert.deepEqual(await sender.send(`msg_${status}`, JSON.stringify(EVENT), new Date()), { delivered, status: String(status) });
    }
    receiver.respond = () => 200;
  });

  it('names a refused connection by its code', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const result = await new WebhookSender(url, TEST_WEBHOOK_SECRET, 5_000).send('msg_refused', '{}', new Date());
    assert.deepEqual(result, { delivered: false, status: 'ECONNREFUSED' });
  });

  describe('an endpoint that never answers', () => {
    const silent = createServer(() => undefined);
    let url: string;
    before(async () => {
      url = await listen(silent);
    });
    after(async () => {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('is a `timeout` after the timeout', async () => {
      const startedAt = Date.now();
      const result = await new WebhookSender(url, TEST_WEBHOOK_SECRET, 200).send('msg_slow', '{}', new Date());
      assert.deepEqual(result, { delivered: false, status: 'timeout' });
      const took = Date.now() - startedAt;
      assert.ok(took >= 150 && took < 5_000, `took ${took} ms`);
    });

    it('is cut by the abort signal (shutdown) before the timeout', async () => {
      const abort = new AbortController();
      const startedAt = Date.now();
      setTimeout(() => abort.abort(), 50);
      const result = await new WebhookSender(url, TEST_WEBHOOK_SECRET, 60_000).send('msg_cut', '{}', new Date(), abort.signal);
      assert.deepEqual(result, { delivered: false, status: 'timeout' });
      assert.ok(Date.now() - startedAt < 5_000);
    });
  });
});
