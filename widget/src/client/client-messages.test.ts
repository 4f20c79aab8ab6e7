/** Catch-up, merging, unread, read cursors, reveal and closed conversations. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { MemoryHistoryStore } from '../storage/memory-store.js';
import { SantaChatClient, type SantaChatClientOptions } from './client.js';
import { conversation, fakeNetwork, flush, message, NOW, openAndReady, tokenFor } from './client.test-support.js';
import type { ClientEventMap } from './types.js';

function setup(options: Partial<SantaChatClientOptions> = {}) {
  const network = fakeNetwork();
  const store = new MemoryHistoryStore();
  const client = new SantaChatClient({
    server: 'https://relay.example',
    token: tokenFor('alice'),
    WebSocket: network.WebSocket,
    storage: store,
    now: () => NOW,
    random: () => 0.5,
    ...options,
  });
  const unread: ClientEventMap['unread'][] = [];
  client.on('unread', (detail) => unread.push(detail));
  return { client, network, store, unread };
}

const seqs = (client: SantaChatClient, conversationId: string) =>
  client.messages(conversationId).map((m) => ('seq' in m ? m.seq : m.clientId));

describe('SantaChatClient messages', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('renders history from the cache before the socket connects', async () => {
    const { client, network, store } = setup();
    await store.saveConversations([conversation('c1', { unread: 2 })]);
    await store.putMessages('c1', [message('c1', 1, 'bob'), message('c1', 2, 'alice')]);
    await client.connect();
    assert.equal(network.socket.readyState, 0, 'the socket has not opened yet');
    assert.deepEqual(client.conversations.map((c) => c.id), ['c1']);
    assert.deepEqual(seqs(client, 'c1'), [1, 2]);
    assert.deepEqual(client.unread, { total: 2, byConversation: { c1: 2 } });
    client.disconnect();
  });

  it('SYNCs each conversation from the last seq held after every READY, and again while hasMore', async () => {
    const { client, network, store } = setup();
    await store.saveConversations([conversation('c1'), conversation('c2')]);
    await store.putMessages('c1', [message('c1', 1, 'bob'), message('c1', 2, 'bob')]);
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1'), conversation('c2')]);
    assert.deepEqual(socket.framesOf('SYNC'), [
      { type: 'SYNC', conversationId: 'c1', after: 2 },
      { type: 'SYNC', conversationId: 'c2', after: 0 },
    ]);

    socket.deliver({ type: 'HISTORY', conversationId: 'c2', messages: [message('c2', 1, 'bob'), message('c2', 2, 'alice')], hasMore: true });
    await flush();
    assert.deepEqual(socket.framesOf('SYNC').at(-1), { type: 'SYNC', conversationId: 'c2', after: 2 });
    socket.deliver({ type: 'HISTORY', conversationId: 'c2', messages: [message('c2', 3, 'bob')], hasMore: false });
    await flush();
    assert.equal(socket.framesOf('SYNC').length, 3);
    assert.deepEqual(seqs(client, 'c2'), [1, 2, 3]);
    assert.deepEqual(
      (await store.loadMessages('c2')).map((m) => m.seq),
      [1, 2, 3],
      'catch-up is cached',
    );

    socket.drop(1006);
    mock.timers.tick(250);
    const next = await openAndReady(network, [conversation('c1'), conversation('c2')]);
    assert.deepEqual(next.framesOf('SYNC'), [
      { type: 'SYNC', conversationId: 'c1', after: 2 },
      { type: 'SYNC', conversationId: 'c2', after: 3 },
    ]);
    client.disconnect();
  });

  it('SYNCs from below a gap: messages that arrived above ones lost with a socket do not hide them', async () => {
    const { client, network, store } = setup();
    await store.saveConversations([conversation('c1'), conversation('c2')]);
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1'), conversation('c2')]);
    socket.deliver({ type: 'HISTORY', conversationId: 'c1', messages: [message('c1', 1, 'bob'), message('c1', 2, 'bob')], hasMore: false });
    // The socket dies after a live message and an ACK above the HISTORY it never delivered.
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c1', 5, 'bob') });
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c2', 7, 'bob') });
    await flush();
    socket.drop(1006);
    mock.timers.tick(250);
    const next = await openAndReady(network, [conversation('c1'), conversation('c2')]);
    assert.deepEqual(next.framesOf('SYNC'), [
      { type: 'SYNC', conversationId: 'c1', after: 2 },
      { type: 'SYNC', conversationId: 'c2', after: 0 },
    ]);
    client.disconnect();
  });

  it('INTERNAL (the relay could not store): the oldest refused send goes again after a backoff delay, the rest at the first ACK', async () => {
    const { client, network } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    const sent = [await client.send('c1', 'a'), await client.send('c1', 'b'), await client.send('c1', 'c')];
    const refuse = (clientId: string) =>
      socket.deliver({ type: 'ERROR', code: 'INTERNAL', message: 'Try again.', clientId, conversationId: 'c1' });
    for (const { clientId } of sent) refuse(clientId);
    await flush();
    const sends = () => socket.framesOf('NEW_MESSAGE').map((frame) => frame.content);
    assert.deepEqual(sends(), ['a', 'b', 'c']);
    assert.deepEqual(client.messages('c1').map((m) => m.status), ['sending', 'sending', 'sending']);
    // random 0.5: 500 + 250 ms, then 500 + 500 ms; one probe at a time, the oldest.
    mock.timers.tick(749);
    assert.deepEqual(sends(), ['a', 'b', 'c']);
    mock.timers.tick(1);
    assert.deepEqual(sends(), ['a', 'b', 'c', 'a']);
    refuse(sent[0]!.clientId);
    await flush();
    mock.timers.tick(1_000);
    assert.deepEqual(sends(), ['a', 'b', 'c', 'a', 'a']);
    socket.deliver({ type: 'ACK', clientId: sent[0]!.clientId, conversationId: 'c1', id: 'c1-m1', seq: 1, timestamp: new Date(NOW).toISOString() });
    await flush();
    assert.deepEqual(sends(), ['a', 'b', 'c', 'a', 'a', 'b', 'c'], 'the relay stores again: the rest go at once');
    mock.timers.tick(10_000);
    assert.equal(sends().length, 7, 'and no probe after that');
    client.disconnect();
  });

  it('merges NEW_MESSAGE by id, ordered by seq, and emits `message` only for the other side', async () => {
    const { client, network } = setup();
    const received: ClientEventMap['message'][] = [];
    client.on('message', (detail) => received.push(detail));
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c1', 2, 'bob') });
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c1', 1, 'alice') });
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c1', 2, 'bob') });
    socket.deliver({ type: 'HISTORY', conversationId: 'c1', messages: [message('c1', 1, 'alice'), message('c1', 2, 'bob')], hasMore: false });
    await flush();
    assert.deepEqual(seqs(client, 'c1'), [1, 2]);
    assert.deepEqual(received.map((r) => r.message.seq), [2]);
    assert.equal(client.conversations[0]?.lastMessage?.seq, 2);
    client.disconnect();
  });

  it('emits `message` for the other side\'s messages a HISTORY page brings that arrived while connected, not for older ones', async () => {
    const { client, network } = setup();
    const received: ClientEventMap['message'][] = [];
    client.on('message', (detail) => received.push(detail));
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1', { lastMessage: message('c1', 3, 'bob') })]);
    // The catch-up of what was there at READY, and one more the SYNC saw before its live frame came.
    socket.deliver({ type: 'HISTORY', conversationId: 'c1', messages: [1, 2, 3, 4].map((seq) => message('c1', seq, 'bob')), hasMore: false });
    // A conversation opened after READY: its first message may come in the answer to its SYNC.
    socket.deliver({ type: 'CONVERSATION', conversation: conversation('c2') });
    socket.deliver({ type: 'HISTORY', conversationId: 'c2', messages: [message('c2', 1, 'alice'), message('c2', 2, 'bob')], hasMore: false });
    // The live frame of a message already held is not a second event.
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c2', 2, 'bob') });
    await flush();
    assert.deepEqual(received.map((r) => [r.conversationId, r.message.seq]), [['c1', 4], ['c2', 2]]);
    assert.equal('clientId' in received[1]!.message, false);
    client.disconnect();
  });

  it('keeps conversations in order of most recent activity', async () => {
    const { client, network } = setup();
    await client.connect();
    const socket = await openAndReady(network, [
      conversation('old', { createdAt: '2026-11-01T00:00:00.000Z' }),
      conversation('new', { createdAt: '2026-11-20T00:00:00.000Z' }),
    ]);
    assert.deepEqual(client.conversations.map((c) => c.id), ['new', 'old']);
    socket.deliver({ type: 'NEW_MESSAGE', ...message('old', 1, 'bob') });
    await flush();
    assert.deepEqual(client.conversations.map((c) => c.id), ['old', 'new']);
    client.disconnect();
  });

  it('unread follows READY, NEW_MESSAGE and READ', async () => {
    const { client, network, unread } = setup();
    await client.connect();
    const socket = await openAndReady(network, [
      conversation('c1', { unread: 2, lastMessage: message('c1', 3, 'bob') }),
      conversation('c2', { unread: 0 }),
    ]);
    socket.deliver({ type: 'HISTORY', conversationId: 'c1', messages: [1, 2, 3].map((seq) => message('c1', seq, seq === 1 ? 'alice' : 'bob')), hasMore: false });
    await flush();
    assert.deepEqual(client.unread, { total: 2, byConversation: { c1: 2, c2: 0 } }, 'catch-up of counted messages adds nothing');

    socket.deliver({ type: 'NEW_MESSAGE', ...message('c2', 1, 'bob') });
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c2', 1, 'bob') });
    socket.deliver({ type: 'NEW_MESSAGE', ...message('c2', 2, 'alice') });
    await flush();
    assert.deepEqual(client.unread, { total: 3, byConversation: { c1: 2, c2: 1 } }, 'the other side counts once; one\'s own never');

    // Another tab of alice read c1 up to 2.
    socket.deliver({ type: 'READ', conversationId: 'c1', readerId: 'alice', upTo: 2 });
    await flush();
    assert.deepEqual(client.unread, { total: 2, byConversation: { c1: 1, c2: 1 } });
    // Bob's read receipt changes nothing of alice's unread.
    const receipts: ClientEventMap['read'][] = [];
    client.on('read', (detail) => receipts.push(detail));
    socket.deliver({ type: 'READ', conversationId: 'c1', readerId: 'bob', upTo: 1 });
    await flush();
    assert.deepEqual(receipts, [{ conversationId: 'c1', readerId: 'bob', upTo: 1 }]);
    assert.equal(client.unread.total, 2);
    assert.deepEqual(unread.at(-1), client.unread, '`unread` is emitted with every change');
    client.disconnect();
  });

  it('keeps the peer’s read cursor from READY and READ frames (forward only) and the groups READY tells', async () => {
    const { client, network, store } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1', { peerReadUpTo: 2 })]);
    assert.equal(client.groups, null, 'a READY without groups says nothing of them');
    assert.equal(client.conversations[0]?.peerReadUpTo, 2);
    socket.deliver({ type: 'READ', conversationId: 'c1', readerId: 'bob', upTo: 4 });
    socket.deliver({ type: 'READ', conversationId: 'c1', readerId: 'bob', upTo: 3 });
    await flush();
    assert.equal(client.conversations[0]?.peerReadUpTo, 4);
    assert.equal((await store.loadConversations())[0]?.peerReadUpTo, 4, 'kept for a reload');
    socket.deliver({ type: 'READ', conversationId: 'c1', readerId: 'alice', upTo: 9 });
    await flush();
    assert.equal(client.conversations[0]?.peerReadUpTo, 4, 'one’s own reads are not the peer’s');

    const groups = [{ id: 'g', name: 'Office', revealAt: '2026-12-24T18:00:00.000Z', drawn: true, giftee: { id: 'bob', name: 'Bob' }, hasSanta: true }];
    const told: ClientEventMap['groups'][] = [];
    client.on('groups', (detail) => told.push(detail));
    socket.deliver({ type: 'READY', userId: 'alice', protocol: 1, conversations: [conversation('c1', { peerReadUpTo: 4 })], unreadTotal: 0, groups });
    await flush();
    assert.deepEqual(client.groups, groups);
    assert.deepEqual(told, [{ groups }]);
    client.disconnect();
  });

  it('markRead lowers unread at once and sends READ only when the cursor moves', async () => {
    const { client, network } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1', { unread: 2, lastMessage: message('c1', 2, 'bob') })]);
    socket.deliver({ type: 'HISTORY', conversationId: 'c1', messages: [message('c1', 1, 'bob'), message('c1', 2, 'bob')], hasMore: false });
    await flush();
    client.markRead('c1', 1);
    assert.deepEqual(client.unread, { total: 1, byConversation: { c1: 1 } });
    client.markRead('c1', 2);
    client.markRead('c1', 2);
    client.markRead('c1', 1);
    assert.deepEqual(client.unread, { total: 0, byConversation: { c1: 0 } });
    assert.deepEqual(socket.framesOf('READ'), [
      { type: 'READ', conversationId: 'c1', upTo: 1 },
      { type: 'READ', conversationId: 'c1', upTo: 2 },
    ]);
    // The relay echoes the read to every socket of alice: nothing changes.
    socket.deliver({ type: 'READ', conversationId: 'c1', readerId: 'alice', upTo: 2 });
    await flush();
    assert.equal(client.unread.total, 0);
    client.disconnect();
  });

  it('a read made while disconnected goes out after the next READY and survives its counts', async () => {
    const { client, network } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1', { unread: 1, lastMessage: message('c1', 1, 'bob') })]);
    socket.deliver({ type: 'HISTORY', conversationId: 'c1', messages: [message('c1', 1, 'bob')], hasMore: false });
    await flush();
    socket.drop(1006);
    client.markRead('c1', 1);
    assert.equal(client.unread.total, 0);
    mock.timers.tick(250);
    const next = await openAndReady(network, [conversation('c1', { unread: 1, lastMessage: message('c1', 1, 'bob') })]);
    assert.equal(client.unread.total, 0);
    assert.deepEqual(next.framesOf('READ'), [{ type: 'READ', conversationId: 'c1', upTo: 1 }]);
    client.disconnect();
  });

  it('REVEAL re-labels the alias in memory and in the cache, and updates the conversation', async () => {
    const { client, network, store } = setup({ token: tokenFor('bob') });
    const gifteeView = conversation('c1', {
      role: 'giftee',
      self: { id: 'bob', name: 'Bob' },
      peer: { id: 'alias-7', name: 'Secret Santa', anonymous: true },
      participants: ['alias-7', 'bob'],
      lastMessage: message('c1', 2, 'alias-7'),
    });
    const reveals: ClientEventMap['reveal'][] = [];
    client.on('reveal', (detail) => reveals.push(detail));
    await client.connect();
    const socket = await openAndReady(network, [gifteeView], 'bob');
    socket.deliver({ type: 'HISTORY', conversationId: 'c1', messages: [message('c1', 1, 'bob'), message('c1', 2, 'alias-7')], hasMore: false });
    await flush();
    const peer = { id: 'alice', name: 'Alice', anonymous: false };
    socket.deliver({ type: 'REVEAL', conversationId: 'c1', alias: 'alias-7', participants: ['alice', 'bob'], peer });
    await flush();
    assert.deepEqual(client.messages('c1').map((m) => m.senderId), ['bob', 'alice']);
    assert.deepEqual((await store.loadMessages('c1')).map((m) => m.senderId), ['bob', 'alice']);
    const revealed = client.conversations[0];
    assert.deepEqual(revealed?.peer, peer);
    assert.deepEqual(revealed?.participants, ['alice', 'bob']);
    assert.equal(revealed?.revealed, true);
    assert.equal(revealed?.lastMessage?.senderId, 'alice');
    assert.equal((await store.loadConversations())[0]?.revealed, true);
    assert.deepEqual(reveals, [{ conversationId: 'c1', alias: 'alias-7', peer, participants: ['alice', 'bob'] }]);
    client.disconnect();
  });

  it('a closed conversation disappears with its messages; a new one is caught up', async () => {
    const { client, network, store } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1', { unread: 1 })]);
    socket.deliver({ type: 'HISTORY', conversationId: 'c1', messages: [message('c1', 1, 'bob')], hasMore: false });
    await flush();
    socket.deliver({ type: 'CONVERSATION', conversation: conversation('c1', { closed: true }) });
    await flush();
    assert.equal(client.conversations.length, 0);
    assert.deepEqual(client.messages('c1'), []);
    assert.deepEqual(client.unread, { total: 0, byConversation: {} });
    assert.deepEqual(await store.loadMessages('c1'), []);
    assert.deepEqual(await store.loadConversations(), []);

    socket.deliver({ type: 'CONVERSATION', conversation: conversation('c2') });
    await flush();
    assert.deepEqual(client.conversations.map((c) => c.id), ['c2']);
    assert.deepEqual(socket.framesOf('SYNC').at(-1), { type: 'SYNC', conversationId: 'c2', after: 0 });
    client.disconnect();
  });

  it('a conversation missing from READY (closed while away) is dropped from memory and cache', async () => {
    const { client, network, store } = setup();
    await store.saveConversations([conversation('gone'), conversation('kept')]);
    await store.putMessages('gone', [message('gone', 1, 'bob')]);
    await client.connect();
    assert.equal(client.messages('gone').length, 1);
    await openAndReady(network, [conversation('kept')]);
    assert.deepEqual(client.conversations.map((c) => c.id), ['kept']);
    assert.deepEqual(client.messages('gone'), []);
    assert.deepEqual(await store.loadMessages('gone'), []);
    client.disconnect();
  });

  it('an ERROR without clientId is emitted as `error`', async () => {
    const { client, network } = setup();
    const errors: ClientEventMap['error'][] = [];
    client.on('error', (detail) => errors.push(detail));
    await client.connect();
    const socket = await openAndReady(network, []);
    socket.deliver({ type: 'ERROR', code: 'FORBIDDEN', message: 'Not yours.', conversationId: 'c9' });
    socket.deliver({ type: 'NOT_A_FRAME' });
    socket.deliver({ type: 'TYPING', conversationId: 'c1', senderId: 'bob' });
    await flush();
    assert.deepEqual(errors, [{ code: 'FORBIDDEN', message: 'Not yours.', conversationId: 'c9' }]);
    client.disconnect();
  });

  it('logout() disconnects, erases the cache and forgets the user', async () => {
    const { client, network, store } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1', { unread: 1 })]);
    socket.deliver({ type: 'HISTORY', conversationId: 'c1', messages: [message('c1', 1, 'bob')], hasMore: false });
    await client.send('c1', 'bye');
    await client.logout();
    assert.equal(client.state, 'disconnected');
    assert.equal(client.lastDisconnectReason, 'client');
    assert.equal(client.userId, null);
    assert.deepEqual(client.conversations, []);
    assert.deepEqual(client.messages('c1'), []);
    assert.deepEqual(client.unread, { total: 0, byConversation: {} });
    assert.deepEqual(await store.loadConversations(), []);
    assert.deepEqual(await store.loadMessages('c1'), []);
    assert.deepEqual(await store.outbox(), []);
  });

  it('logout() before connect() still erases the user\'s cache', async () => {
    const { client, store } = setup();
    await store.saveConversations([conversation('c1')]);
    await store.putOutbox({ clientId: 'x', conversationId: 'c1', senderId: 'alice', content: 'hi', createdAt: 1, status: 'sending' });
    await client.logout();
    assert.deepEqual(await store.loadConversations(), []);
    assert.deepEqual(await store.outbox(), []);
  });

  it('loads the cache once, however connect() and disconnect() interleave', async () => {
    const { client, network, store } = setup();
    const loads = mock.method(store, 'loadConversations');
    const first = client.connect();
    client.disconnect();
    const second = client.connect();
    await Promise.all([first, second]);
    await flush();
    assert.equal(loads.mock.callCount(), 1);
    assert.equal(network.sockets.length, 1, 'only the attempt of the second connect() opens a socket');
    client.disconnect();
  });

  it('a token of another user switches to that user\'s cache', async () => {
    const network = fakeNetwork();
    const client = new SantaChatClient({ server: 'https://relay.example', token: tokenFor('alice'), WebSocket: network.WebSocket, storage: 'memory', random: () => 0.5, now: () => NOW });
    await client.connect();
    await openAndReady(network, [conversation('c1')]);
    client.setToken(tokenFor('cleo'));
    assert.equal(client.userId, 'cleo');
    assert.equal(client.conversations.length, 0);
    await flush();
    assert.equal(network.sockets.length, 2);
    await openAndReady(network, [conversation('c3', { self: { id: 'cleo', name: 'Cleo' } })], 'cleo');
    assert.deepEqual(client.conversations.map((c) => c.id), ['c3']);
    client.disconnect();
  });

  it('sends REPORT with a trimmed reason cut to 500 characters, and tells of REPORTED', async () => {
    const { client, network } = setup();
    await client.connect();
    const socket = await openAndReady(network, [conversation('c1')]);
    const reported: ClientEventMap['reported'][] = [];
    client.on('reported', (detail) => reported.push(detail));
    assert.equal(client.report('c1', 'm_1', `  ${'x'.repeat(600)}  `), true);
    assert.equal(client.report('c1', 'm_2', '   '), true);
    assert.deepEqual(socket.framesOf('REPORT'), [
      { type: 'REPORT', conversationId: 'c1', messageId: 'm_1', reason: 'x'.repeat(500) },
      { type: 'REPORT', conversationId: 'c1', messageId: 'm_2' },
    ]);
    socket.deliver({ type: 'REPORTED', conversationId: 'c1', messageId: 'm_1' });
    await flush();
    assert.deepEqual(reported, [{ conversationId: 'c1', messageId: 'm_1' }]);
    client.disconnect();
    assert.equal(client.report('c1', 'm_3'), false, 'no socket: nothing is queued');
  });
});
