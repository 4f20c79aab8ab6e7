/**
 * Three relay processes on one PostgreSQL and one Redis, all with webhooks on: every event
 * (notices swept by all three, a report, a reveal) reaches the receiver exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageUnreadEvent } from '../protocol/index.js';
import { sleep, TestClient } from './helpers/client.js';
import { checkRedis, TEST_REDIS_URL } from './helpers/redis.js';
import { CLUSTER_ADMIN, RelayCluster, ringGroup, token } from './helpers/relay-cluster.js';
import { checkPostgres, reportUnavailable } from './helpers/services.js';
import { TEST_WEBHOOK_SECRET, WebhookReceiver } from './helpers/webhook-receiver.js';

const [postgres, redis] = await Promise.all([checkPostgres(), checkRedis()]);
if (postgres.available && redis.available) defineTests();
else for (const status of [postgres, redis]) if (!status.available) reportUnavailable(status);

const MEMBERS = 9;

function defineTests(): void {
  describe('webhooks from several relays', { timeout: 90_000 }, () => {
    let receiver: WebhookReceiver;
    let cluster: RelayCluster;
    const clients: TestClient[] = [];

    before(async () => {
      receiver = await WebhookReceiver.start();
      cluster = await RelayCluster.start({
        redisUrls: [TEST_REDIS_URL, TEST_REDIS_URL, TEST_REDIS_URL],
        env: {
          SANTA_CHAT_WEBHOOK_URL: receiver.url,
          SANTA_CHAT_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
          SANTA_CHAT_NOTIFY_AFTER_MS: '1000',
        },
      });
    });

    after(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await cluster?.stop();
      await receiver?.close();
    });

    it('delivers each event exactly once', async () => {
      const revealAt = new Date(Date.now() + 4000);
      assert.equal((await cluster.putGroup('ring', ringGroup(MEMBERS, revealAt))).status, 201);
      // Every santa writes to their giftee through relay i % 3: nine notices for the relays to share.
      const conversations: string[] = [];
      for (let index = 0; index < MEMBERS; index += 1) {
        const santa = `u${index}`;
        const conversationId = await cluster.openConversation(santa, 'ring', index % 3);
        conversations.push(conversationId);
        const { client } = await TestClient.ready(cluster.wsUrl(index % 3), token(santa));
        clients.push(client);
        for (const content of ['hi', 'there']) {
          client.send({ type: 'NEW_MESSAGE', conversationId, content, clientId: `${santa}-${content}` });
          await client.next('ACK');
        }
      }
      // u1 reports its santa's first message, through relay 2.
      const { client: reporter } = await TestClient.ready(cluster.wsUrl(2), token('u1'));
      clients.push(reporter);
      reporter.send({ type: 'SYNC', conversationId: conversations[0], after: 0 });
      const history = await reporter.next('HISTORY');
      reporter.send({ type: 'REPORT', conversationId: conversations[0], messageId: history.messages[0]!.id });
      await reporter.next('REPORTED');

      const expected = MEMBERS + 2;
      await receiver.waitFor(() => true, expected, 20_000);
      await sleep(3000);
      const ids = receiver.deliveries.map((delivery) => delivery.id);
      assert.equal(ids.length, expected, receiver.summary());
      assert.equal(new Set(ids).size, expected, receiver.summary());
      for (const delivery of receiver.deliveries) receiver.verify(delivery);
      const readers = receiver.ofType('message.unread').map((delivery) => (delivery.event as MessageUnreadEvent).data.userId);
      assert.deepEqual(readers.sort(), Array.from({ length: MEMBERS }, (_, index) => `u${(index + 1) % MEMBERS}`).sort());
      for (const delivery of receiver.ofType('message.unread')) {
        const { data } = delivery.event as MessageUnreadEvent;
        assert.equal(data.unread, 2);
        assert.equal(data.peer.anonymous, true);
      }
      const [reported] = receiver.ofType('message.reported');
      assert.equal(reported?.event.data.senderId, 'u0');
      assert.equal(receiver.ofType('group.revealed').length, 1);

      // Each relay lists the same deliveries: one database.
      const listed = await fetch(`${cluster.url(1)}/admin/webhooks/deliveries?status=delivered`, {
        headers: { authorization: `Bearer ${CLUSTER_ADMIN}` },
      });
      assert.equal(((await listed.json()) as { deliveries: unknown[] }).deliveries.length, expected);
    });
  });
}
