/**
 * The widget's headless client (widget/src/client) against a real relay over real sockets,
 * in Node: `ws` stands in for the browser's WebSocket, memory for IndexedDB. Two people chat
 * both ways, unread clears across two clients of one user, and an outbox filled while the
 * relay is down arrives exactly once and in order when a relay comes back on the same port.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocketNode from 'ws';
import { SantaChatClient } from '../widget/src/client/client.js';
import type { ChatMessage } from '../widget/src/client/types.js';
import { startTestRelay, threeGroup, type TestRelay } from './helpers/relay.js';

const clients: SantaChatClient[] = [];

function clientFor(relay: TestRelay, userId: string): SantaChatClient {
  const client = new SantaChatClient({
    server: relay.url,
    tokenProvider: async () => relay.token(userId),
    WebSocket: WebSocketNode as unknown as typeof WebSocket,
    fetch,
    storage: 'memory',
  });
  clients.push(client);
  return client;
}

/** Polls until `check` holds (the client's state changes arrive over real sockets). */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function connected(client: SantaChatClient): Promise<SantaChatClient> {
  await client.connect();
  await until(`${client.userId} is connected`, () => client.state === 'connected');
  return client;
}

const contents = (messages: ChatMessage[]) => messages.map((message) => message.content);
const stored = (messages: ChatMessage[]) => messages.filter((message) => message.status === 'sent');

describe('SantaChatClient against a real relay', () => {
  let dataDir: string;
  let relay: TestRelay;
  let conversationId: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-client-'));
    relay = await startTestRelay({ dataDir });
    const put = await relay.putGroup('office', threeGroup());
    assert.equal(put.status, 201);
  });

  after(async () => {
    for (const client of clients) client.disconnect();
    await relay.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('Message Match opens the conversation; santa and giftee exchange messages both ways', async () => {
    const alice = await connected(clientFor(relay, 'alice'));
    const bob = await connected(clientFor(relay, 'bob'));

    const conversation = await alice.messageMatch('office');
    conversationId = conversation.id;
    assert.equal(conversation.role, 'santa');
    assert.equal(conversation.peer.id, 'bob');
    await until('bob sees the new conversation', () => bob.conversations.some((c) => c.id === conversationId));
    const bobView = bob.conversations.find((c) => c.id === conversationId);
    assert.equal(bobView?.role, 'giftee');
    assert.equal(bobView?.peer.anonymous, true);
    assert.notEqual(bobView?.peer.id, 'alice');

    const heard: string[] = [];
    bob.on('message', ({ message }) => heard.push(message.content));
    await alice.send(conversationId, 'Hi Bob! Blue or red?');
    await until('bob receives it', () => heard.length === 1);
    assert.deepEqual(heard, ['Hi Bob! Blue or red?']);
    const received = bob.messages(conversationId)[0];
    assert.equal(received?.senderId, bobView?.peer.id, 'bob sees the alias, never alice');
    assert.equal(bob.unread.byConversation[conversationId], 1);

    await bob.send(conversationId, 'Blue, thanks Santa');
    await until('alice receives the answer', () => stored(alice.messages(conversationId)).length === 2);
    await until('bob has his message acknowledged', () => stored(bob.messages(conversationId)).length === 2);
    assert.deepEqual(contents(alice.messages(conversationId)), ['Hi Bob! Blue or red?', 'Blue, thanks Santa']);
    assert.deepEqual(contents(bob.messages(conversationId)), ['Hi Bob! Blue or red?', 'Blue, thanks Santa']);
    assert.equal(alice.unread.byConversation[conversationId], 1);
    assert.equal(alice.messages(conversationId).length, 2, 'one\'s own message shows once');
  });

  it('marking read in one client of a user clears the unread count in the other', async () => {
    const alice = await connected(clientFor(relay, 'alice'));
    const bobLaptop = await connected(clientFor(relay, 'bob'));
    const bobPhone = await connected(clientFor(relay, 'bob'));
    const before = bobPhone.unread.byConversation[conversationId] ?? 0;

    await alice.send(conversationId, 'Any allergies?');
    await alice.send(conversationId, 'Asking for a friend.');
    for (const bob of [bobLaptop, bobPhone]) {
      await until('both of bob\'s clients count the two new messages', () => bob.unread.byConversation[conversationId] === before + 2);
    }
    assert.equal(bobPhone.unread.total, before + 2);

    const newest = stored(bobLaptop.messages(conversationId)).at(-1);
    assert.ok(newest?.status === 'sent');
    bobLaptop.markRead(conversationId, newest.seq);
    assert.equal(bobLaptop.unread.total, 0, 'at once where it was read');
    await until('the other client clears too', () => bobPhone.unread.total === 0);
  });

  it('an outbox filled while the relay is down arrives exactly once and in order', async () => {
    const alice = await connected(clientFor(relay, 'alice'));
    const port = relay.port;
    await relay.stop();
    await until('alice notices the relay is gone', () => alice.state !== 'connected');

    const outgoing = ['first while down', 'second while down', 'third while down'];
    for (const content of outgoing) await alice.send(conversationId, content);
    assert.deepEqual(
      alice.messages(conversationId).slice(-3).map((message) => message.status),
      ['sending', 'sending', 'sending'],
    );

    relay = await startTestRelay({ dataDir, config: { port } });
    await until('alice is back', () => alice.state === 'connected', 30_000);
    await until('the outbox drains', () => alice.messages(conversationId).every((message) => message.status === 'sent'), 10_000);

    const bob = await connected(clientFor(relay, 'bob'));
    await until('bob caught up', () => contents(bob.messages(conversationId)).includes('third while down'));
    const bobContents = contents(bob.messages(conversationId));
    assert.deepEqual(bobContents.slice(-3), outgoing);
    for (const content of outgoing) assert.equal(bobContents.filter((c) => c === content).length, 1, `${content} once`);
    const seqs = stored(bob.messages(conversationId)).map((message) => (message.status === 'sent' ? message.seq : 0));
    assert.deepEqual(seqs, seqs.map((_, index) => index + 1), 'seq 1..n with no gaps or repeats');
    assert.deepEqual(contents(alice.messages(conversationId)), bobContents, 'both sides hold the same history');
  });
});
