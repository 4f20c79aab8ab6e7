/**
 * Webhooks against a real relay and a real HTTP receiver (both on port 0): one signed,
 * anonymous `message.unread` per burst, re-armed by reading; retries with the same
 * `webhook-id`; reports as `message.reported` with the real sender; `group.revealed`; the
 * operators' lists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageUnreadEvent } from '../protocol/index.js';
import { sleep, TestClient } from './helpers/client.js';
import { startTestRelay, TEST_ADMIN_TOKEN, threeGroup, type TestRelay } from './helpers/relay.js';
import { TEST_WEBHOOK_SECRET, WebhookReceiver } from './helpers/webhook-receiver.js';

const NOTIFY_AFTER_MS = 400;

async function startWebhookRelay(receiver: WebhookReceiver, extra: { previews?: boolean } = {}): Promise<TestRelay> {
  return startTestRelay({
    config: {
      webhooks: {
        url: receiver.url,
        secret: TEST_WEBHOOK_SECRET,
        notifyAfterMs: NOTIFY_AFTER_MS,
        previews: extra.previews ?? false,
        retryBaseMs: 100,
        pollMs: 50,
      },
    },
  });
}

async function openConversation(relay: TestRelay, santaId: string, groupId: string): Promise<string> {
  const response = await fetch(`${relay.url}/groups/${groupId}/conversation`, {
    method: 'POST',
    headers: { authorization: `Bearer ${relay.token(santaId)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ with: 'giftee' }),
  });
  assert.ok(response.status === 200 || response.status === 201, `open: ${response.status}`);
  return ((await response.json()) as { conversation: { id: string } }).conversation.id;
}

async function sendAcked(client: TestClient, conversationId: string, content: string): Promise<{ id: string; seq: number }> {
  const clientId = `c-${content}-${Math.random()}`;
  client.send({ type: 'NEW_MESSAGE', conversationId, content, clientId });
  const ack = await client.next('ACK', (frame) => frame.clientId === clientId);
  return { id: ack.id, seq: ack.seq };
}

async function admin(relay: TestRelay, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${relay.url}/admin${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return { status: response.status, body: await response.json() };
}

describe('webhooks', { timeout: 60_000 }, () => {
  let receiver: WebhookReceiver;
  let relay: TestRelay;
  const clients: TestClient[] = [];

  async function connect(userId: string): Promise<TestClient> {
    const { client } = await TestClient.ready(relay.wsUrl, relay.token(userId));
    clients.push(client);
    return client;
  }

  before(async () => {
    receiver = await WebhookReceiver.start();
    relay = await startWebhookRelay(receiver);
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await relay?.stop();
    await receiver?.close();
  });

  it('sends one anonymous, signed message.unread for a burst, and another only after the giftee read', async () => {
    assert.equal((await relay.putGroup('burst', threeGroup())).status, 201);
    const conversationId = await openConversation(relay, 'alice', 'burst');
    const alice = await connect('alice');
    const unreadOfBob = (delivery: { event: { type: string; data: unknown } }): boolean =>
      delivery.event.type === 'message.unread' && (delivery.event as MessageUnreadEvent).data.conversationId === conversationId;

    // One burst, sent in one turn (so a slow disk cannot spread it past the notice delay).
    await Promise.all(['one', 'two', 'three'].map((content) => sendAcked(alice, conversationId, content)));
    const [first] = await receiver.waitFor(unreadOfBob);
    const event = receiver.verify(first!);
    assert.equal(event.type, 'message.unread');
    assert.deepEqual((event as MessageUnreadEvent).data, {
      groupId: 'burst',
      userId: 'bob',
      conversationId,
      role: 'giftee',
      unread: 3,
      firstUnreadAt: (event as MessageUnreadEvent).data.firstUnreadAt,
      peer: { id: (event as MessageUnreadEvent).data.peer.id, name: 'Secret Santa', anonymous: true },
    });
    assert.match((event as MessageUnreadEvent).data.peer.id, /^s_/);
    // Nowhere in what the host gets for bob: not the santa's id, not their name, no text.
    for (const text of [first!.body, JSON.stringify(first!.headers)]) {
      assert.doesNotMatch(text, /alice/i);
      assert.doesNotMatch(text, /one|two|three/);
    }
    assert.match(first!.signature, /^v1,[A-Za-z0-9+/]+=*$/);
    assert.throws(() => receiver.verify(first!, `whsec_${Buffer.from('another-secret-entirely-0000000').toString('base64')}`));

    // More messages while the notice stands: no second notice.
    await sendAcked(alice, conversationId, 'four');
    await sleep(NOTIFY_AFTER_MS * 3);
    assert.equal(receiver.deliveries.filter(unreadOfBob).length, 1, receiver.summary());

    // Bob reads everything: re-armed. A new message makes a new notice.
    const bob = await connect('bob');
    bob.send({ type: 'READ', conversationId, upTo: 4 });
    await bob.next('READ', (frame) => frame.readerId === 'bob');
    await sleep(100);
    await sendAcked(alice, conversationId, 'five');
    const both = await receiver.waitFor(unreadOfBob, 2);
    assert.equal((both[1]!.event as MessageUnreadEvent).data.unread, 1);
    assert.notEqual(both[1]!.id, both[0]!.id);
  });

  it('makes no notice when the reader reads before it is due', async () => {
    assert.equal((await relay.putGroup('quick', threeGroup())).status, 201);
    const conversationId = await openConversation(relay, 'alice', 'quick');
    const alice = await connect('alice');
    const bob = await connect('bob');
    const { seq } = await sendAcked(alice, conversationId, 'hello');
    bob.send({ type: 'READ', conversationId, upTo: seq });
    await bob.next('READ', (frame) => frame.readerId === 'bob' && frame.conversationId === conversationId);
    await sleep(NOTIFY_AFTER_MS * 3);
    assert.equal(
      receiver.deliveries.filter((delivery) => JSON.stringify(delivery.event).includes(conversationId)).length,
      0,
      receiver.summary(),
    );
  });

  it('stores a report once, sends message.reported with the real sender, refuses strangers and own messages', async () => {
    assert.equal((await relay.putGroup('report', threeGroup())).status, 201);
    const conversationId = await openConversation(relay, 'alice', 'report');
    const alice = await connect('alice');
    const bob = await connect('bob');
    const cleo = await connect('cleo');
    const message = await sendAcked(alice, conversationId, 'something rude');

    bob.send({ type: 'REPORT', conversationId, messageId: message.id, reason: 'Not nice.' });
    assert.deepEqual(await bob.next('REPORTED'), { type: 'REPORTED', conversationId, messageId: message.id });
    bob.send({ type: 'REPORT', conversationId, messageId: message.id });
    assert.deepEqual(await bob.next('REPORTED'), { type: 'REPORTED', conversationId, messageId: message.id });

    cleo.send({ type: 'REPORT', conversationId, messageId: message.id });
    const refused = await cleo.next('ERROR');
    assert.equal(refused.code, 'FORBIDDEN');
    alice.send({ type: 'REPORT', conversationId, messageId: message.id });
    assert.equal((await alice.next('ERROR')).code, 'BAD_REQUEST');
    bob.send({ type: 'REPORT', conversationId, messageId: 'm_nope' });
    assert.equal((await bob.next('ERROR')).code, 'NOT_FOUND');
    bob.send({ type: 'REPORT', conversationId, messageId: message.id, reason: 'x'.repeat(501) });
    assert.equal((await bob.next('ERROR')).code, 'BAD_REQUEST');

    const [reported] = await receiver.waitFor((delivery) => delivery.event.type === 'message.reported');
    const event = receiver.verify(reported!);
    assert.equal(event.type, 'message.reported');
    if (event.type !== 'message.reported') return;
    assert.deepEqual(
      { ...event.data, reportedAt: undefined },
      {
        groupId: 'report',
        conversationId,
        messageId: message.id,
        reporterId: 'bob',
        senderId: 'alice',
        text: 'something rude',
        reason: 'Not nice.',
        reportedAt: undefined,
      },
    );
    await sleep(300);
    assert.equal(receiver.ofType('message.reported').length, 1, 'the repeated report queued nothing');

    const reports = await admin(relay, '/groups/report/reports');
    assert.equal(reports.status, 200);
    assert.equal(reports.body.reports.length, 1);
    assert.equal(reports.body.reports[0].senderId, 'alice');
    assert.equal(reports.body.reports[0].reason, 'Not nice.');
  });

  it('sends group.revealed when the reveal date comes', async () => {
    const revealAt = new Date(Date.now() + 600);
    assert.equal((await relay.putGroup('reveal', threeGroup({ revealAt: revealAt.toISOString() }))).status, 201);
    // Putting the same group again schedules nothing more.
    assert.equal((await relay.putGroup('reveal', threeGroup({ revealAt: revealAt.toISOString() }))).status, 200);
    const [delivery] = await receiver.waitFor(
      (candidate) => candidate.event.type === 'group.revealed' && candidate.event.data.groupId === 'reveal',
    );
    assert.ok(Date.now() >= revealAt.getTime());
    assert.deepEqual(receiver.verify(delivery!).data, { groupId: 'reveal', revealAt: revealAt.toISOString() });
    await sleep(300);
    assert.equal(receiver.ofType('group.revealed').filter((candidate) => candidate.event.data.groupId === 'reveal').length, 1);
  });

  it('lists deliveries for operators and counts them in the metrics', async () => {
    const delivered = await admin(relay, '/webhooks/deliveries?status=delivered');
    assert.equal(delivered.status, 200);
    assert.ok(delivered.body.deliveries.length >= 3, JSON.stringify(delivered.body));
    const line = delivered.body.deliveries[0];
    assert.deepEqual(Object.keys(line).sort(), [
      'attempts', 'createdAt', 'deliveredAt', 'groupId', 'id', 'lastAttemptAt', 'lastStatus', 'nextAttemptAt', 'status', 'type',
    ]);
    assert.equal(line.lastStatus, '200');
    assert.equal((await admin(relay, '/webhooks/deliveries?status=nope')).status, 400);
    const metrics = await relay.metricsText();
    assert.match(metrics, /santa_chat_webhook_attempts_total\{type="message.unread",outcome="delivered"\} [1-9]/);
    assert.match(metrics, /santa_chat_webhook_pending \d/);
  });
});

describe('webhook retries', { timeout: 30_000 }, () => {
  it('retries a receiver that answers 500 twice with the same webhook-id, then stops', async () => {
    const receiver = await WebhookReceiver.start();
    receiver.respond = (_delivery, index) => (index < 2 ? 500 : 204);
    const relay = await startWebhookRelay(receiver, { previews: true });
    try {
      assert.equal((await relay.putGroup('retry', threeGroup())).status, 201);
      const conversationId = await openConversation(relay, 'alice', 'retry');
      const { client: alice } = await TestClient.ready(relay.wsUrl, relay.token('alice'));
      await sendAcked(alice, conversationId, 'are you there');
      const attempts = await receiver.waitFor((delivery) => delivery.event.type === 'message.unread', 3);
      assert.deepEqual(attempts.map((delivery) => delivery.answered), [500, 500, 204]);
      assert.equal(new Set(attempts.map((delivery) => delivery.id)).size, 1, receiver.summary());
      assert.equal(new Set(attempts.map((delivery) => delivery.body)).size, 1);
      for (const attempt of attempts) receiver.verify(attempt);
      // Previews on: the newest unread message's text, still no santa.
      const data = (attempts[2]!.event as MessageUnreadEvent).data;
      assert.equal(data.preview, 'are you there');
      assert.equal(data.peer.anonymous, true);
      await sleep(500);
      assert.equal(receiver.deliveries.length, 3);
      // Only the group's reveal, a week away, still waits.
      const pending = await admin(relay, '/webhooks/deliveries?status=pending');
      assert.deepEqual(pending.body.deliveries.map((line: { type: string }) => line.type), ['group.revealed']);
      const delivered = await admin(relay, '/webhooks/deliveries?status=delivered');
      assert.equal(delivered.body.deliveries[0].attempts, 3);
      await alice.close();
    } finally {
      await relay.stop();
      await receiver.close();
    }
  });

  it('retries a refused connection', async () => {
    const receiver = await WebhookReceiver.start();
    const url = receiver.url;
    await receiver.close();
    const relay = await startTestRelay({
      config: {
        webhooks: { url, secret: TEST_WEBHOOK_SECRET, notifyAfterMs: 100, previews: false, retryBaseMs: 60_000, pollMs: 50 },
      },
    });
    try {
      assert.equal((await relay.putGroup('refused', threeGroup())).status, 201);
      const conversationId = await openConversation(relay, 'alice', 'refused');
      const { client: alice } = await TestClient.ready(relay.wsUrl, relay.token('alice'));
      await sendAcked(alice, conversationId, 'hello');
      let pending: any[] = [];
      for (let round = 0; round < 40 && !(pending[0]?.attempts >= 1); round += 1) {
        await sleep(100);
        pending = (await admin(relay, '/webhooks/deliveries?status=pending')).body.deliveries.filter(
          (line: { type: string }) => line.type === 'message.unread',
        );
      }
      assert.equal(pending[0]?.attempts, 1, JSON.stringify(pending));
      assert.equal(pending[0]?.lastStatus, 'ECONNREFUSED');
      assert.ok(Date.parse(pending[0]?.nextAttemptAt) > Date.now() + 20_000);
      await alice.close();
    } finally {
      await relay.stop();
    }
  });
});
