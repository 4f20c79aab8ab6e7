/**
 * One relay per test plus the clients it opened, closed together in `finally`, and the few
 * HTTP calls the WebSocket tests need to set up and cross-check what the sockets say.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import type { Conversation, ConversationListResponse, Message } from '../../protocol/index.js';
import { TestClient } from './client.js';
import { callAs } from './http.js';
import { startTestRelay, threeGroup, type TestRelay, type TestRelayOptions } from './relay.js';

export const GROUP_ID = 'office';

export class Harness {
  readonly relay: TestRelay;
  readonly #clients: TestClient[] = [];

  constructor(relay: TestRelay) {
    this.relay = relay;
  }

  /** Opens a socket (no AUTH yet); closed at the end of the test. */
  async connect(options: WebSocket.ClientOptions = {}, url = this.relay.wsUrl): Promise<TestClient> {
    return this.track(await TestClient.connect(url, options));
  }

  /** Opens a socket and authenticates it as `userId`. */
  async ready(userId: string, token = this.relay.token(userId)) {
    const client = await this.connect();
    client.send({ type: 'AUTH', token });
    const ready = await client.next('READY');
    return { client, ready };
  }

  track(client: TestClient): TestClient {
    this.#clients.push(client);
    return client;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#clients.map((client) => client.close()));
  }

  async api(userId: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    return callAs(this.relay, userId, method, path, body);
  }

  /** PUTs the alice -> bob -> cleo -> alice group. */
  async putGroup(overrides: Record<string, unknown> = {}, groupId = GROUP_ID): Promise<number> {
    const response = await this.relay.putGroup(groupId, threeGroup(overrides));
    await response.arrayBuffer();
    assert.ok(response.status === 200 || response.status === 201, `PUT group answered ${response.status}`);
    return response.status;
  }

  /** POST /groups/:g/conversation as `userId`; returns the status and the conversation. */
  async openConversation(userId: string, withRole: 'giftee' | 'santa' = 'giftee', groupId = GROUP_ID) {
    const { status, body } = await this.api(userId, 'POST', `/groups/${groupId}/conversation`, { with: withRole });
    assert.ok(status === 200 || status === 201, `POST conversation answered ${status}: ${JSON.stringify(body)}`);
    return { status, conversation: (body as { conversation: Conversation }).conversation };
  }

  /** The alice (santa) -> bob (giftee) conversation of a fresh group; returns its id. */
  async aliceBob(): Promise<string> {
    await this.putGroup();
    return (await this.openConversation('alice')).conversation.id;
  }

  async conversations(userId: string): Promise<ConversationListResponse> {
    const { status, body } = await this.api(userId, 'GET', '/conversations');
    assert.equal(status, 200);
    return body as ConversationListResponse;
  }

  /** Every stored message of the conversation as `userId` sees it (up to 200). */
  async history(userId: string, conversationId: string): Promise<Message[]> {
    const { status, body } = await this.api(userId, 'GET', `/conversations/${conversationId}/messages?after=0&limit=200`);
    assert.equal(status, 200, JSON.stringify(body));
    return (body as { messages: Message[] }).messages;
  }
}

/** Starts a relay, runs `body`, then closes every client and stops the relay. */
export async function withRelay(options: TestRelayOptions, body: (harness: Harness) => Promise<void>): Promise<void> {
  const harness = new Harness(await startTestRelay(options));
  try {
    await body(harness);
  } finally {
    await harness.closeAll();
    await harness.relay.stop();
  }
}

/**
 * Waits until everything `sender` sent before has been handled, and everything that caused
 * has reached `observers`: a SYNC is queued behind the sender's earlier frames, and a PING
 * round trip on each observer flushes what the relay already wrote to it. After this, a frame
 * that has not arrived was never sent.
 */
export async function settle(sender: TestClient, conversationId: string, observers: TestClient[] = []): Promise<void> {
  sender.send({ type: 'SYNC', conversationId, after: 1_000_000_000 });
  await sender.next('HISTORY', (frame) => frame.conversationId === conversationId && frame.messages.length === 0);
  await Promise.all(observers.map((observer) => pingPong(observer)));
}

/** The close code the client saw; fails the test instead of hanging when it does not come. */
export function closeCode(client: TestClient, timeoutMs = 3000): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([client.closed, timeout]).finally(() => clearTimeout(timer));
}

export async function pingPong(client: TestClient): Promise<void> {
  client.send({ type: 'PING' });
  await client.next('PONG');
}

/** A send with a fresh clientId; resolves with the ACK. */
export async function sendMessage(client: TestClient, conversationId: string, content: string, clientId: string = randomUUID()) {
  client.send({ type: 'NEW_MESSAGE', conversationId, content, clientId });
  return client.next('ACK', (ack) => ack.clientId === clientId);
}

/** The ERROR frame that answers the frame carrying `clientId`. */
export function errorFor(client: TestClient, clientId: string) {
  return client.next('ERROR', (error) => error.clientId === clientId);
}

/** Bob and Cleo (bob -> cleo) still chat: the relay serves others after an abuse. */
export async function othersStillServed(harness: Harness): Promise<void> {
  const { conversation } = await harness.openConversation('bob');
  const { client: bob } = await harness.ready('bob');
  const { client: cleo } = await harness.ready('cleo');
  const ack = await sendMessage(bob, conversation.id, 'still working?');
  const delivered = await cleo.next('NEW_MESSAGE', (frame) => frame.id === ack.id);
  assert.equal(delivered.content, 'still working?');
}
