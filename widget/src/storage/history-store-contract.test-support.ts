/**
 * What every `HistoryStore` does, as one suite: Node runs it on `MemoryHistoryStore`, a
 * browser runner on the IndexedDB store, so both behave the same. The runner passes its own
 * `it` and a deep-equality assertion, which keeps this file free of either test framework.
 */
import type { Conversation, Message } from '../../../protocol/browser.js';
import { MAX_CACHED_PER_CONVERSATION, type HistoryStore } from './history-store.js';
import type { OutboxEntry } from './records.js';

export interface ContractRunner {
  it(name: string, body: () => Promise<void>): void;
  deepEqual(actual: unknown, expected: unknown, message?: string): void;
}

function conversation(id: string): Conversation {
  return {
    id,
    groupId: 'office',
    groupName: 'Office',
    participants: ['alice', 'alias-1'],
    createdAt: '2026-11-01T10:00:00.000Z',
    role: 'giftee',
    self: { id: 'alice', name: 'Alice' },
    peer: { id: 'alias-1', name: 'Secret Santa', anonymous: true },
    revealAt: '2026-12-24T18:00:00.000Z',
    revealed: false,
    unread: 0,
    lastMessage: null,
    closed: false,
  };
}

function message(conversationId: string, seq: number, senderId = 'alias-1'): Message {
  return { id: `${conversationId}:${seq}`, conversationId, seq, senderId, content: `#${seq}`, timestamp: new Date(Date.UTC(2026, 11, 1, 0, 0, seq)).toISOString() };
}

function outboxEntry(clientId: string, createdAt: number, conversationId = 'c1'): OutboxEntry {
  return { clientId, conversationId, senderId: 'alice', content: clientId, createdAt, status: 'sending' };
}

// One function of about 100 lines on purpose: it is the list of the contract's cases, each a
// few lines, registered in order; splitting it would only scatter that list.
export function historyStoreContract(open: () => Promise<HistoryStore>, { it, deepEqual }: ContractRunner): void {
  const withStore = (name: string, body: (store: HistoryStore) => Promise<void>) =>
    it(name, async () => {
      const store = await open();
      try {
        await body(store);
      } finally {
        await store.destroy();
      }
    });

  withStore('saves and replaces the conversation list', async (store) => {
    deepEqual(await store.loadConversations(), []);
    await store.saveConversations([conversation('c1'), conversation('c2')]);
    await store.saveConversations([conversation('c2')]);
    deepEqual(await store.loadConversations(), [conversation('c2')]);
  });

  withStore('loads messages of one conversation by seq, merged by id', async (store) => {
    await store.putMessages('c1', [message('c1', 3), message('c1', 1)]);
    await store.putMessages('c2', [message('c2', 2)]);
    await store.putMessages('c1', [message('c1', 2), { ...message('c1', 3), content: 'edited' }]);
    deepEqual((await store.loadMessages('c1')).map((m) => [m.seq, m.content]), [
      [1, '#1'],
      [2, '#2'],
      [3, 'edited'],
    ]);
    deepEqual(await store.loadMessages('c2'), [message('c2', 2)]);
    deepEqual(await store.loadMessages('none'), []);
  });

  withStore('a message seen again keeps the clientId it was sent with', async (store) => {
    await store.putMessages('c1', [{ ...message('c1', 1, 'alice'), clientId: 'client-1' }]);
    await store.putMessages('c1', [message('c1', 1, 'alice')]);
    deepEqual((await store.loadMessages('c1'))[0]?.clientId, 'client-1');
  });

  withStore(`keeps the newest ${MAX_CACHED_PER_CONVERSATION} messages per conversation`, async (store) => {
    const total = MAX_CACHED_PER_CONVERSATION + 20;
    await store.putMessages('c1', Array.from({ length: total }, (_, index) => message('c1', index + 1)));
    await store.putMessages('c2', [message('c2', 1)]);
    const kept = await store.loadMessages('c1');
    deepEqual(kept.length, MAX_CACHED_PER_CONVERSATION);
    deepEqual(kept[0]?.seq, 21);
    deepEqual(kept.at(-1)?.seq, total);
    deepEqual((await store.loadMessages('c2')).length, 1, 'other conversations are untouched');
  });

  withStore('keeps the outbox by createdAt, updates and deletes entries', async (store) => {
    await store.putOutbox(outboxEntry('zz', 2));
    await store.putOutbox(outboxEntry('aa', 3));
    await store.putOutbox(outboxEntry('mm', 1));
    await store.putOutbox({ ...outboxEntry('aa', 3), status: 'failed', error: { code: 'FORBIDDEN', message: 'closed' } });
    await store.deleteOutbox('zz');
    await store.deleteOutbox('unknown');
    deepEqual(await store.outbox(), [outboxEntry('mm', 1), { ...outboxEntry('aa', 3), status: 'failed', error: { code: 'FORBIDDEN', message: 'closed' } }]);
  });

  withStore('re-labels the alias of one conversation', async (store) => {
    await store.putMessages('c1', [message('c1', 1), message('c1', 2, 'alice')]);
    await store.putMessages('c2', [message('c2', 1)]);
    await store.relabel('c1', 'alias-1', 'bob');
    deepEqual((await store.loadMessages('c1')).map((m) => m.senderId), ['bob', 'alice']);
    deepEqual((await store.loadMessages('c2')).map((m) => m.senderId), ['alias-1']);
  });

  withStore('deleteConversation drops its messages and outbox entries only', async (store) => {
    await store.putMessages('c1', [message('c1', 1)]);
    await store.putMessages('c2', [message('c2', 1)]);
    await store.putOutbox(outboxEntry('one', 1, 'c1'));
    await store.putOutbox(outboxEntry('two', 2, 'c2'));
    await store.deleteConversation('c1');
    deepEqual(await store.loadMessages('c1'), []);
    deepEqual((await store.loadMessages('c2')).length, 1);
    deepEqual((await store.outbox()).map((entry) => entry.clientId), ['two']);
  });

  withStore('hands out copies: changing a loaded object changes nothing stored', async (store) => {
    await store.putMessages('c1', [message('c1', 1)]);
    const [loaded] = await store.loadMessages('c1');
    if (loaded) loaded.content = 'changed';
    deepEqual((await store.loadMessages('c1'))[0]?.content, '#1');
  });

  it('destroy() erases everything of this user', async () => {
    const store = await open();
    await store.saveConversations([conversation('c1')]);
    await store.putMessages('c1', [message('c1', 1)]);
    await store.putOutbox(outboxEntry('one', 1));
    await store.destroy();
    const reopened = await open();
    try {
      deepEqual(await reopened.loadConversations(), []);
      deepEqual(await reopened.loadMessages('c1'), []);
      deepEqual(await reopened.outbox(), []);
    } finally {
      await reopened.destroy();
    }
  });
}
