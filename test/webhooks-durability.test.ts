/**
 * The webhook queue survives SIGKILL: a notice armed with a message (in the message's own
 * transaction) is sent by the restarted relay, and an event whose attempt failed before the
 * kill is delivered after the restart under the same `webhook-id`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MessageUnreadEvent } from '../protocol/index.js';
import { signParticipantToken } from '../server/src/auth/jwt.js';
import { sleep, TestClient } from './helpers/client.js';
import { spawnRelay, type RelayProcess } from './helpers/process.js';
import { threeGroup } from './helpers/relay.js';
import { TEST_WEBHOOK_SECRET, WebhookReceiver } from './helpers/webhook-receiver.js';

const SECRET = 'webhook-durability-secret-0123456789';
const ADMIN = 'webhook-durability-admin-0123456789';

function token(userId: string): string {
  return signParticipantToken({ sub: userId, exp: Math.floor(Date.now() / 1000) + 3600 }, SECRET);
}

describe('webhooks across SIGKILL', { timeout: 90_000 }, () => {
  let dataDir: string;
  let receiver: WebhookReceiver;
  let env: Record<string, string>;
  let relay: RelayProcess | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-webhook-durability-'));
    receiver = await WebhookReceiver.start();
    env = {
      SANTA_CHAT_JWT_SECRET: SECRET,
      SANTA_CHAT_ADMIN_TOKEN: ADMIN,
      DATABASE_URL: `sqlite:${join(dataDir, 'relay.db')}`,
      SANTA_CHAT_WEBHOOK_URL: receiver.url,
      SANTA_CHAT_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      SANTA_CHAT_NOTIFY_AFTER_MS: '1000',
      SANTA_CHAT_WEBHOOK_RETRY_BASE_MS: '200',
    };
  });

  after(async () => {
    relay?.child.kill('SIGKILL');
    await receiver?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function kill(): Promise<void> {
    relay!.child.kill('SIGKILL');
    assert.equal(await relay!.exited, 'SIGKILL');
    relay = undefined;
  }

  async function setUp(groupId: string): Promise<{ conversationId: string; alice: TestClient }> {
    const put = await fetch(`${relay!.url}/admin/groups/${groupId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(threeGroup()),
    });
    assert.equal(put.status, 201);
    const opened = await fetch(`${relay!.url}/groups/${groupId}/conversation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ with: 'giftee' }),
    });
    const conversationId = ((await opened.json()) as { conversation: { id: string } }).conversation.id;
    const { client: alice } = await TestClient.ready(`${relay!.url.replace('http', 'ws')}/ws`, token('alice'));
    return { conversationId, alice };
  }

  async function sendAcked(alice: TestClient, conversationId: string, content: string): Promise<void> {
    alice.send({ type: 'NEW_MESSAGE', conversationId, content, clientId: `c-${content}` });
    await alice.next('ACK');
  }

  it('sends the notice of a message acknowledged just before the kill, after the restart', async () => {
    relay = await spawnRelay(env);
    const { conversationId, alice } = await setUp('killed-before-notice');
    await sendAcked(alice, conversationId, 'hello');
    await kill();
    await alice.closed;
    assert.equal(receiver.ofType('message.unread').length, 0, 'the notice was not due before the kill');
    await sleep(1200);
    relay = await spawnRelay(env);
    const [delivery] = await receiver.waitFor(
      (candidate) => candidate.event.type === 'message.unread' && (candidate.event as MessageUnreadEvent).data.conversationId === conversationId,
    );
    const event = receiver.verify(delivery!) as MessageUnreadEvent;
    assert.equal(event.data.userId, 'bob');
    assert.equal(event.data.unread, 1);
    await kill();
  });

  it('delivers an event whose attempt failed before the kill, with the same webhook-id', async () => {
    receiver.respond = () => 503;
    // The next try comes 1.5-3 s after the failed one: the kill lands between two attempts.
    // (One cut mid-attempt waits for its claim's lease to run out, a minute.)
    env = { ...env, SANTA_CHAT_WEBHOOK_RETRY_BASE_MS: '3000' };
    relay = await spawnRelay(env);
    const { conversationId, alice } = await setUp('killed-while-retrying');
    const ours = (candidate: { event: { type: string; data: unknown } }): boolean =>
      candidate.event.type === 'message.unread' && (candidate.event as MessageUnreadEvent).data.conversationId === conversationId;
    await sendAcked(alice, conversationId, 'anyone');
    const [failed] = await receiver.waitFor(ours);
    assert.equal(failed!.answered, 503);
    await sleep(300);
    await kill();
    await alice.closed;
    receiver.respond = () => 200;
    relay = await spawnRelay(env);
    const attempts = await receiver.waitFor((candidate) => ours(candidate) && candidate.answered === 200);
    assert.equal(attempts[0]!.id, failed!.id);
    await sleep(500);
    assert.equal(receiver.deliveries.filter((candidate) => ours(candidate) && candidate.answered === 200).length, 1);
    await kill();
  });
});
