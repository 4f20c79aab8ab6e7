import assert from 'node:assert/strict';
import { it } from 'node:test';
import { groupWrite, openPair, send, seqsOf, storedMessage, withStore, type OpenStore } from './fixtures.test-support.js';
import type { Store } from '../store.js';

async function aliceToBob(store: Store): Promise<string> {
  await store.putGroup('g1', groupWrite(), 100);
  return (await openPair(store, 'g1', 'a', 'b', 100)).conversation.id;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

export function messageCases(openStore: OpenStore): void {
  it('appendMessage numbers 200 concurrent sends 1..200 without gaps', async () => {
    await withStore(openStore, async (store) => {
      const conversationId = await aliceToBob(store);
      const results = await Promise.all(
        range(1, 200).map((index) =>
          store.appendMessage({
            conversationId,
            senderId: index % 2 === 0 ? 'a' : 'b',
            content: `message ${index}`,
            clientId: index % 3 === 0 ? `client-${index}` : null,
            now: 1000 + index,
          }),
        ),
      );
      const messages = results.map(storedMessage);
      assert.deepEqual(seqsOf(messages).sort((left, right) => left - right), range(1, 200));
      assert.equal(new Set(messages.map((message) => message.id)).size, 200);
      for (const message of messages) assert.match(message.id, /^m_[0-9a-f]{32}$/);

      const page = await store.listMessages(conversationId, { after: 0, limit: 200 });
      assert.deepEqual(seqsOf(page.messages), range(1, 200));
      assert.equal(page.hasMore, false);
      const bySeq = new Map(messages.map((message) => [message.seq, message]));
      for (const stored of page.messages) assert.deepEqual(stored, bySeq.get(stored.seq));
      assert.equal((await store.getConversation(conversationId))?.conversation.lastSeq, 200);
    });
  });

  it('appendMessage stores what it was given', async () => {
    await withStore(openStore, async (store) => {
      const conversationId = await aliceToBob(store);
      const message = await send(store, conversationId, 'a', 'Ho ho ho 🎅\nline two', 1234, 'client-x');
      assert.deepEqual(message, {
        id: message.id,
        conversationId,
        seq: 1,
        senderId: 'a',
        content: 'Ho ho ho 🎅\nline two',
        clientId: 'client-x',
        createdAt: 1234,
      });
      assert.deepEqual((await store.listMessages(conversationId, { limit: 10 })).messages, [message]);
    });
  });

  it('a repeated clientId from the same sender returns the original and stores nothing', async () => {
    await withStore(openStore, async (store) => {
      const conversationId = await aliceToBob(store);
      await store.putGroup('g2', groupWrite(), 100);
      const elsewhere = (await openPair(store, 'g2', 'a', 'b', 100)).conversation.id;
      const original = await send(store, conversationId, 'a', 'first', 200, 'retry-me');

      const retries = await Promise.all([
        store.appendMessage({ conversationId, senderId: 'a', content: 'changed', clientId: 'retry-me', now: 300 }),
        store.appendMessage({ conversationId: elsewhere, senderId: 'a', content: 'first', clientId: 'retry-me', now: 300 }),
      ]);
      for (const retry of retries) assert.deepEqual(retry, { kind: 'duplicate', message: original });
      assert.equal((await store.listMessages(conversationId, { limit: 10 })).messages.length, 1);
      assert.equal((await store.listMessages(elsewhere, { limit: 10 })).messages.length, 0);

      const fromBob = await send(store, conversationId, 'b', 'same id, other sender', 400, 'retry-me');
      assert.equal(fromBob.seq, 2);
      const withoutClientId = await Promise.all([
        send(store, conversationId, 'a', 'no id', 500),
        send(store, conversationId, 'a', 'no id', 500),
      ]);
      assert.deepEqual(seqsOf(withoutClientId).sort(), [3, 4], 'a null clientId never deduplicates');
    });
  });

  it('findMessageByClientId finds a sender\'s message in any conversation, and nothing for others', async () => {
    await withStore(openStore, async (store) => {
      const conversationId = await aliceToBob(store);
      const original = await send(store, conversationId, 'a', 'hello', 200, 'find-me');
      assert.deepEqual(await store.findMessageByClientId('a', 'find-me'), original);
      assert.equal(await store.findMessageByClientId('b', 'find-me'), null);
      assert.equal(await store.findMessageByClientId('a', 'other'), null);
    });
  });

  it('appendMessage refuses closed and unknown conversations, but still answers a retry', async () => {
    await withStore(openStore, async (store) => {
      const conversationId = await aliceToBob(store);
      const original = await send(store, conversationId, 'a', 'before', 200, 'sent-before');
      await store.putGroup('g1', groupWrite({ assignments: [] }), 300);

      const refused = await store.appendMessage({ conversationId, senderId: 'a', content: 'after', clientId: 'new', now: 400 });
      assert.deepEqual(refused, { kind: 'closed' });
      const unknown = await store.appendMessage({
        conversationId: 'c_doesnotexist0000',
        senderId: 'a',
        content: 'x',
        clientId: null,
        now: 400,
      });
      assert.deepEqual(unknown, { kind: 'closed' });
      const retry = await store.appendMessage({ conversationId, senderId: 'a', content: 'before', clientId: 'sent-before', now: 400 });
      assert.deepEqual(retry, { kind: 'duplicate', message: original });

      assert.deepEqual(seqsOf((await store.listMessages(conversationId, { limit: 10 })).messages), [1]);
      assert.equal((await store.getConversation(conversationId))?.conversation.lastSeq, 1);
    });
  });

  it('listMessages pages newest, after and before, oldest first, with hasMore at the edges', async () => {
    await withStore(openStore, async (store) => {
      const conversationId = await aliceToBob(store);
      assert.deepEqual(await store.listMessages(conversationId, { limit: 5 }), { messages: [], hasMore: false });
      for (const seq of range(1, 10)) await send(store, conversationId, seq % 2 === 0 ? 'a' : 'b', `m${seq}`, 1000 + seq);

      const page = async (query: { after?: number; before?: number; limit: number }) => {
        const result = await store.listMessages(conversationId, query);
        return { seqs: seqsOf(result.messages), hasMore: result.hasMore };
      };
      assert.deepEqual(await page({ limit: 3 }), { seqs: [8, 9, 10], hasMore: true });
      assert.deepEqual(await page({ limit: 9 }), { seqs: range(2, 10), hasMore: true });
      assert.deepEqual(await page({ limit: 10 }), { seqs: range(1, 10), hasMore: false });
      assert.deepEqual(await page({ limit: 11 }), { seqs: range(1, 10), hasMore: false });

      assert.deepEqual(await page({ after: 0, limit: 4 }), { seqs: [1, 2, 3, 4], hasMore: true });
      assert.deepEqual(await page({ after: 5, limit: 4 }), { seqs: [6, 7, 8, 9], hasMore: true });
      assert.deepEqual(await page({ after: 6, limit: 4 }), { seqs: [7, 8, 9, 10], hasMore: false });
      assert.deepEqual(await page({ after: 9, limit: 4 }), { seqs: [10], hasMore: false });
      assert.deepEqual(await page({ after: 10, limit: 4 }), { seqs: [], hasMore: false });

      assert.deepEqual(await page({ before: 11, limit: 3 }), { seqs: [8, 9, 10], hasMore: true });
      assert.deepEqual(await page({ before: 5, limit: 3 }), { seqs: [2, 3, 4], hasMore: true });
      assert.deepEqual(await page({ before: 4, limit: 3 }), { seqs: [1, 2, 3], hasMore: false });
      assert.deepEqual(await page({ before: 2, limit: 3 }), { seqs: [1], hasMore: false });
      assert.deepEqual(await page({ before: 1, limit: 3 }), { seqs: [], hasMore: false });

      assert.deepEqual(await page({ after: 2, before: 5, limit: 3 }), { seqs: [3, 4, 5], hasMore: true }, 'after wins');
      assert.deepEqual(
        await store.listMessages('c_doesnotexist0000', { limit: 5 }),
        { messages: [], hasMore: false },
      );
    });
  });

  it('unread counts the other side above the read cursor, which only moves forward and is clamped', async () => {
    await withStore(openStore, async (store) => {
      const conversationId = await aliceToBob(store);
      const unread = async (viewerId: string) => (await store.getConversationOverview(conversationId, viewerId))?.unread;
      assert.equal(await unread('b'), 0);
      assert.equal((await store.getConversationOverview(conversationId, 'b'))?.lastMessage, null);

      for (const seq of [1, 2, 3]) await send(store, conversationId, 'a', `from santa ${seq}`, 200 + seq);
      for (const seq of [4, 5]) await send(store, conversationId, 'b', `from giftee ${seq}`, 200 + seq);
      assert.equal(await unread('b'), 3);
      assert.equal(await unread('a'), 2);
      assert.equal((await store.getConversationOverview(conversationId, 'a'))?.lastMessage?.seq, 5);
      assert.equal((await store.getConversationOverview(conversationId, 'a'))?.lastMessage?.content, 'from giftee 5');

      assert.deepEqual(await store.markRead(conversationId, 'b', 2), { upTo: 2, moved: true });
      assert.equal(await unread('b'), 1);
      assert.deepEqual(await store.markRead(conversationId, 'b', 1), { upTo: 2, moved: false });
      assert.deepEqual(await store.markRead(conversationId, 'b', 2), { upTo: 2, moved: false });
      assert.equal(await unread('b'), 1);
      assert.deepEqual(await store.markRead(conversationId, 'b', 99), { upTo: 5, moved: true });
      assert.equal(await unread('b'), 0);
      assert.equal(await unread('a'), 2, "one side's cursor does not touch the other's");
      assert.deepEqual(await store.markRead(conversationId, 'a', -5), { upTo: 0, moved: false });
      assert.deepEqual(await store.markRead(conversationId, 'a', 4), { upTo: 4, moved: true });
      assert.equal(await unread('a'), 1);

      await send(store, conversationId, 'a', 'one more', 300);
      assert.equal(await unread('b'), 1);
      assert.equal(await unread('a'), 1, 'own messages never count');
      const [listed] = await store.listConversations('b');
      assert.equal(listed?.unread, 1);
      assert.equal(listed?.lastMessage?.seq, 6);
    });
  });

  it('an overview carries the other side’s read cursor (peerReadUpTo), 0 until they read', async () => {
    await withStore(openStore, async (store) => {
      const conversationId = await aliceToBob(store);
      const peerReadUpTo = async (viewerId: string) => (await store.getConversationOverview(conversationId, viewerId))?.peerReadUpTo;
      assert.equal(await peerReadUpTo('a'), 0);
      for (const seq of [1, 2, 3]) await send(store, conversationId, 'a', `from santa ${seq}`, 200 + seq);
      await store.markRead(conversationId, 'b', 2);
      assert.equal(await peerReadUpTo('a'), 2, "the santa sees the giftee's cursor");
      assert.equal(await peerReadUpTo('b'), 0, 'not their own');
      await store.markRead(conversationId, 'a', 3);
      assert.equal(await peerReadUpTo('b'), 3);
      assert.equal((await store.listConversations('a'))[0]?.peerReadUpTo, 2);
      assert.equal((await store.listConversations('b'))[0]?.peerReadUpTo, 3);
    });
  });
}
