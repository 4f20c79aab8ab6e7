/**
 * Durable before acknowledged: whatever the relay ACKed survives a SIGKILL, and retries with
 * the same clientId after the restart store nothing twice.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AckFrame, Message } from '../protocol/index.js';
import { signParticipantToken } from '../server/src/auth/jwt.js';
import { TestClient } from './helpers/client.js';
import { runRelayExpectingFailure, spawnRelay, type RelayProcess } from './helpers/process.js';
import { threeGroup } from './helpers/relay.js';

const SECRET = 'durability-secret-0123456789abcdef';
const ADMIN = 'durability-admin-0123456789';

function token(userId: string): string {
  return signParticipantToken({ sub: userId, exp: Math.floor(Date.now() / 1000) + 3600 }, SECRET);
}

async function history(url: string, conversationId: string, userId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let after = 0;
  for (;;) {
    const response = await fetch(`${url}/conversations/${conversationId}/messages?after=${after}&limit=200`, {
      headers: { authorization: `Bearer ${token(userId)}` },
    });
    const body = (await response.json()) as { messages: Message[]; hasMore: boolean };
    messages.push(...body.messages);
    if (!body.hasMore) return messages;
    after = body.messages.at(-1)?.seq ?? after;
  }
}

describe('durability across SIGKILL', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let relay: RelayProcess | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-durability-'));
    env = {
      SANTA_CHAT_JWT_SECRET: SECRET,
      SANTA_CHAT_ADMIN_TOKEN: ADMIN,
      DATABASE_URL: `sqlite:${join(dataDir, 'relay.db')}`,
      SANTA_CHAT_RATE_MESSAGES: '100000',
    };
  });

  after(async () => {
    relay?.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged message and deduplicates retries after a restart', async () => {
    relay = await spawnRelay(env);
    const put = await fetch(`${relay.url}/admin/groups/office`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(threeGroup()),
    });
    assert.equal(put.status, 201);
    const opened = await fetch(`${relay.url}/groups/office/conversation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token('alice')}` },
    });
    const conversationId = ((await opened.json()) as { conversation: { id: string } }).conversation.id;

    // 50 messages, each acknowledged before the kill.
    const { client } = await TestClient.ready(`${relay.url.replace('http', 'ws')}/ws`, token('alice'));
    const acked: AckFrame[] = [];
    for (let index = 0; index < 50; index += 1) {
      client.send({ type: 'NEW_MESSAGE', conversationId, content: `acked ${index}`, clientId: `acked-${index}` });
    }
    for (let index = 0; index < 50; index += 1) {
      acked.push(await client.next('ACK', (ack) => ack.clientId === `acked-${index}`, 10_000));
    }
    // 30 more in flight when the process dies: some may be stored, none may be stored twice.
    for (let index = 0; index < 30; index += 1) {
      client.send({ type: 'NEW_MESSAGE', conversationId, content: `in flight ${index}`, clientId: `flight-${index}` });
    }
    relay.child.kill('SIGKILL');
    assert.equal(await relay.exited, 'SIGKILL');
    await client.closed;

    relay = await spawnRelay(env);
    const stored = await history(relay.url, conversationId, 'bob');
    for (const ack of acked) {
      const message = stored.find((candidate) => candidate.id === ack.id);
      assert.ok(message, `acknowledged message seq ${ack.seq} survived`);
      assert.equal(message.seq, ack.seq);
    }

    // The client's outbox re-sends everything unacknowledged, and (harmlessly) an acked one.
    const { client: again } = await TestClient.ready(`${relay.url.replace('http', 'ws')}/ws`, token('alice'));
    for (let index = 0; index < 30; index += 1) {
      again.send({ type: 'NEW_MESSAGE', conversationId, content: `in flight ${index}`, clientId: `flight-${index}` });
    }
    again.send({ type: 'NEW_MESSAGE', conversationId, content: 'acked 7', clientId: 'acked-7' });
    const retriedAck = await again.next('ACK', (ack) => ack.clientId === 'acked-7', 10_000);
    assert.deepEqual(retriedAck, acked[7], 'a retried clientId gets the original ACK');
    for (let index = 0; index < 30; index += 1) {
      await again.next('ACK', (ack) => ack.clientId === `flight-${index}`, 10_000);
    }
    await again.close();

    const final = await history(relay.url, conversationId, 'bob');
    assert.equal(final.length, 80, 'each of the 80 messages is stored exactly once');
    assert.deepEqual(
      final.map((message) => message.seq),
      Array.from({ length: 80 }, (_, index) => index + 1),
      'seq is gapless',
    );
    assert.equal(new Set(final.map((message) => message.content)).size, 80);
  });

  it('shuts down gracefully on SIGTERM: sockets get 1001, the process exits 0', async () => {
    relay ??= await spawnRelay(env);
    const { client } = await TestClient.ready(`${relay.url.replace('http', 'ws')}/ws`, token('bob'));
    relay.child.kill('SIGTERM');
    assert.equal(await client.closed, 1001);
    assert.equal(await relay.exited, 0);
    relay = undefined;
  });
});

describe('start-up configuration errors', () => {
  it('a missing SANTA_CHAT_JWT_SECRET is one clear sentence, not a stack trace', async () => {
    const result = await runRelayExpectingFailure({ DATABASE_URL: 'sqlite::memory:' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /SANTA_CHAT_JWT_SECRET is not set/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });

  it('a bad SANTA_CHAT_ALLOWED_ORIGINS entry names the entry', async () => {
    const result = await runRelayExpectingFailure({
      SANTA_CHAT_JWT_SECRET: SECRET,
      DATABASE_URL: 'sqlite::memory:',
      SANTA_CHAT_ALLOWED_ORIGINS: 'https://ok.example, not a url',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /not a url/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('a bad number in the rate settings is refused with its name', async () => {
    const result = await runRelayExpectingFailure({
      SANTA_CHAT_JWT_SECRET: SECRET,
      DATABASE_URL: 'sqlite::memory:',
      SANTA_CHAT_RATE_MESSAGES: 'ten',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /SANTA_CHAT_RATE_MESSAGES must be a positive integer/);
  });
});
