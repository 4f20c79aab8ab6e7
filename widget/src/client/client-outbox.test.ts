/** The outbox: durable before the wire, re-sent with the same clientId, never shown twice. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { MemoryHistoryStore } from '../storage/memory-store.js';
import { SantaChatClient, type SantaChatClientOptions } from './client.js';
import { ChatClientError } from './errors.js';
import { conversation, fakeNetwork, flush, message, NOW, openAndReady, tokenFor, type FakeSocket } from './client.test-support.js';
import type { OutboxEntry } from '../storage/records.js';

function setup(options: Partial<SantaChatClientOptions> = {}, store = new MemoryHistoryStore()) {
  const network = fakeNetwork();
  let now = NOW;
  const client = new SantaChatClient({
    server: 'https://relay.example',
    token: tokenFor('alice'),
    WebSocket: network.WebSocket,
    storage: store,
    now: () => now++,
    random: () => 0.5,
    ...options,
  });
  return { client, network, store };
}

function ack(socket: FakeSocket, clientId: string, seq: number) {
  socket.deliver({ type: 'ACK', clientId, conversationId: 'c1', id: `c1-m${seq}`, seq, timestamp: new Date(NOW + seq).toISOString() });
}

function echo(socket: FakeSocket, clientId: string, seq: number, content: string) {
  socket.deliver({ type: 'NEW_MESSAGE', conversationId: 'c1', id: `c1-m${seq}`, seq, senderId: 'alice', content, timestamp: new Date(NOW + seq).toISOString(), clientId });
}

async function reconnect(network: ReturnType<typeof fakeNetwork>) {
  network.socket.drop(1006);
  mock.timers.tick(20_000);
  return openAndReady(network, [conversation('c1')]);
}

describe('SantaChatClient outbox', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('asks for the outbox write before NEW_MESSAGE goes out, sends without waiting for it, and resolves once it is stored', async () => {
    const store = new MemoryHistoryStore();
    const { client, network } = setup({}, store);
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    const events: string[] = [];
    const putOutbox = store.putOutbox.bind(store);
    let commit = (): void => {};
    store.putOutbox = (entry: OutboxEntry) => {
      events.push(`write ${entry.clientId} asked (${socket.framesOf('NEW_MESSAGE').length} on the wire)`);
      // The write commits only when the test says so.
      return new Promise<void>((resolve) => (commit = () => void putOutbox(entry).then(resolve)));
    };
    let resolved = false;
    const sending = client.send('c1', '  Hello\r\nthere  ').then((sent) => {
      resolved = true;
      return sent;
    });
    const [frame] = socket.framesOf('NEW_MESSAGE');
    assert.deepEqual(frame, { type: 'NEW_MESSAGE', conversationId: 'c1', content: 'Hello\nthere', clientId: frame?.clientId });
    assert.deepEqual(events, [`write ${frame?.clientId} asked (0 on the wire)`]);
    assert.deepEqual(
      client.messages('c1').map((message) => [message.status, message.content]),
      [['sending', 'Hello\nthere']],
      'shown while the write runs',
    );
    await flush();
    assert.equal(resolved, false, 'send() waits for the write');
    commit();
    const sent = await sending;
    assert.equal(sent.status, 'sending');
    assert.equal(sent.clientId, frame?.clientId);
    // A UUIDv7 of the client's clock: time-ordered for the relay's dedupe index.
    assert.match(sent.clientId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(parseInt(sent.clientId.slice(0, 8) + sent.clientId.slice(9, 13), 16), (await store.outbox())[0]?.createdAt);
    assert.deepEqual((await store.outbox()).map((entry) => entry.content), ['Hello\nthere']);
    assert.deepEqual(client.messages('c1'), [sent]);
    client.disconnect();
  });

  it('an ACK that arrives before the outbox write committed leaves nothing in the outbox', async () => {
    const store = new MemoryHistoryStore();
    const { client, network } = setup({}, store);
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    // As in IndexedDB, a later write to the outbox runs after an earlier one has committed.
    const putOutbox = store.putOutbox.bind(store);
    const deleteOutbox = store.deleteOutbox.bind(store);
    let commit = (): void => {};
    let queue = Promise.resolve();
    store.putOutbox = (entry: OutboxEntry) => (queue = new Promise<void>((resolve) => (commit = resolve)).then(() => putOutbox(entry)));
    store.deleteOutbox = (clientId: string) => (queue = queue.then(() => deleteOutbox(clientId)));
    const sending = client.send('c1', 'quick');
    ack(socket, socket.framesOf('NEW_MESSAGE')[0]?.clientId ?? '', 1);
    await flush();
    assert.deepEqual(client.messages('c1').map((message) => [message.status, message.content]), [['sent', 'quick']]);
    commit();
    await sending;
    await queue;
    assert.deepEqual(await store.outbox(), [], 'put, then the delete the ACK asked for');
    client.disconnect();
  });

  it('refuses content the rule refuses, with its code, and keeps nothing', async () => {
    const { client, network, store } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    for (const [content, code] of [
      [' \n ', 'EMPTY'],
      ['🎅'.repeat(501), 'TOO_LONG'],
      ['bell\u0007', 'BAD_REQUEST'],
    ] as const) {
      await assert.rejects(client.send('c1', content), (error: unknown) => error instanceof ChatClientError && error.code === code);
    }
    assert.deepEqual(await store.outbox(), []);
    assert.deepEqual(client.messages('c1'), []);
    assert.deepEqual(socket.framesOf('NEW_MESSAGE'), []);
    client.disconnect();
  });

  for (const order of ['ACK first', 'NEW_MESSAGE first'] as const) {
    it(`ACK and the echoed NEW_MESSAGE store one message (${order})`, async () => {
      const { client, network, store } = setup();
      await client.connect();
      const socket = await openAndReady(network, [conversation('c1')]);
      const sent = await client.send('c1', 'hi');
      if (order === 'ACK first') {
        ack(socket, sent.clientId, 1);
        echo(socket, sent.clientId, 1, 'hi');
      } else {
        echo(socket, sent.clientId, 1, 'hi');
        ack(socket, sent.clientId, 1);
      }
      await flush();
      const shown = client.messages('c1');
      assert.equal(shown.length, 1);
      assert.deepEqual(shown[0], { id: 'c1-m1', conversationId: 'c1', seq: 1, senderId: 'alice', content: 'hi', timestamp: new Date(NOW + 1).toISOString(), clientId: sent.clientId, status: 'sent' });
      assert.deepEqual(await store.outbox(), []);
      assert.deepEqual((await store.loadMessages('c1')).map((m) => m.id), ['c1-m1']);
      assert.equal(client.conversations[0]?.lastMessage?.id, 'c1-m1');
      assert.equal(client.unread.total, 0, 'one\'s own message is never unread');
      client.disconnect();
    });
  }

  it('re-sends unacknowledged messages with the same clientId, in order, after a reconnect', async () => {
    const { client, network } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    const first = await client.send('c1', 'one');
    const second = await client.send('c1', 'two');
    const third = await client.send('c1', 'three');
    ack(socket, second.clientId, 1);
    await flush();
    const next = await reconnect(network);
    assert.deepEqual(
      next.framesOf('NEW_MESSAGE').map((frame) => [frame.clientId, frame.content]),
      [
        [first.clientId, 'one'],
        [third.clientId, 'three'],
      ],
    );
    const syncIndex = next.sent.findIndex((frame) => frame.type === 'SYNC');
    const sendIndex = next.sent.findIndex((frame) => frame.type === 'NEW_MESSAGE');
    assert.ok(next.sent[0]?.type === 'AUTH' && syncIndex < sendIndex, 'AUTH, then catch-up, then re-sends');
    client.disconnect();
  });

  it('a message sent while offline stays `sending` and goes out on the next connect', async () => {
    const { client, network } = setup();
    await client.connect();
    await openAndReady(network, [conversation('c1')]);
    network.socket.drop(1006);
    const sent = await client.send('c1', 'from the tunnel');
    assert.equal(client.messages('c1')[0]?.status, 'sending');
    assert.deepEqual(network.socket.framesOf('NEW_MESSAGE'), []);
    const next = await reconnect(network);
    assert.deepEqual(next.framesOf('NEW_MESSAGE').map((frame) => frame.clientId), [sent.clientId]);
    client.disconnect();
  });

  it('survives a page reload: a new client on the same store re-sends with the same clientId', async () => {
    const store = new MemoryHistoryStore();
    const before = setup({}, store);
    await before.client.connect();
    await openAndReady(before.network, [conversation('c1')]);
    const sent = await before.client.send('c1', 'before reload');
    before.client.disconnect();

    const after = setup({}, store);
    await after.client.connect();
    assert.equal(after.client.messages('c1')[0]?.status, 'sending', 'shown from the cache before connecting');
    const socket = await openAndReady(after.network, [conversation('c1')]);
    assert.deepEqual(socket.framesOf('NEW_MESSAGE').map((frame) => frame.clientId), [sent.clientId]);
    after.client.disconnect();
  });

  it('refusals (EMPTY, TOO_LONG, BAD_REQUEST, FORBIDDEN) mark the message failed; it is not re-sent until retry()', async () => {
    for (const code of ['EMPTY', 'TOO_LONG', 'BAD_REQUEST', 'FORBIDDEN'] as const) {
      const { client, network, store } = setup();
      await client.connect();
      const socket = await openAndReady(network, [conversation('c1')]);
      const sent = await client.send('c1', 'hi');
      socket.deliver({ type: 'ERROR', code, message: `refused: ${code}`, clientId: sent.clientId, conversationId: 'c1' });
      await flush();
      const shown = client.messages('c1')[0];
      assert.equal(shown?.status, 'failed');
      assert.deepEqual(shown?.status === 'failed' ? shown.error : null, { code, message: `refused: ${code}` });
      assert.equal((await store.outbox())[0]?.status, 'failed');

      const next = await reconnect(network);
      assert.deepEqual(next.framesOf('NEW_MESSAGE'), [], 'not retried automatically');

      await client.retry(sent.clientId);
      assert.equal(client.messages('c1')[0]?.status, 'sending');
      assert.deepEqual(next.framesOf('NEW_MESSAGE').map((frame) => frame.clientId), [sent.clientId]);
      client.disconnect();
    }
  });

  it('discard() drops a message from the outbox and the store', async () => {
    const { client, network, store } = setup();
    await client.connect();
    await openAndReady(network, [conversation('c1')]);
    const sent = await client.send('c1', 'oops');
    await client.discard(sent.clientId);
    assert.deepEqual(client.messages('c1'), []);
    assert.deepEqual(await store.outbox(), []);
    client.disconnect();
  });

  it('RATE_LIMITED keeps the message sending and re-sends it after retryAfterMs', async () => {
    const { client, network } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    const sent = await client.send('c1', 'again');
    socket.deliver({ type: 'ERROR', code: 'RATE_LIMITED', message: 'Slow down.', clientId: sent.clientId, conversationId: 'c1', retryAfterMs: 3_000 });
    await flush();
    assert.equal(client.messages('c1')[0]?.status, 'sending');
    mock.timers.tick(2_999);
    assert.equal(socket.framesOf('NEW_MESSAGE').length, 1);
    mock.timers.tick(1);
    assert.deepEqual(socket.framesOf('NEW_MESSAGE').map((frame) => frame.clientId), [sent.clientId, sent.clientId]);
    client.disconnect();
  });

  it('messages() lists stored messages by seq, then the outbox', async () => {
    const { client, network } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    const pending = await client.send('c1', 'mine');
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c1', 2, 'bob') });
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c1', 1, 'bob') });
    await flush();
    assert.deepEqual(
      client.messages('c1').map((m) => (m.status === 'sent' ? m.seq : m.clientId)),
      [1, 2, pending.clientId],
    );
    assert.equal(client.messages('c1'), client.messages('c1'), 'the same array until something changes');
    client.disconnect();
  });

  it('typing() sends at most one TYPING per 2 s per conversation', async () => {
    let now = NOW;
    const { client, network } = setup({ now: () => now });
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    client.typing('c1');
    now += 500;
    client.typing('c1');
    now += 1_499;
    client.typing('c1');
    now += 1;
    client.typing('c1');
    assert.equal(socket.framesOf('TYPING').length, 2);
    client.disconnect();
  });
});
