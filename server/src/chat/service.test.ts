/**
 * The chat service over a real store (SQLite in memory) and the in-process bus: who may do
 * what, the content rule and rate limit, idempotent sends, and what each operation publishes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BusEvent } from '../cluster/bus.js';
import { MemoryBus } from '../cluster/memory-bus.js';
import { DEFAULT_LIMITS } from '../config.js';
import { ChatError } from '../core/errors.js';
import { memoryLimiters } from '../limits/limiters.js';
import { RelayMetrics } from '../core/metrics.js';
import { cycle, groupWrite } from '../store/conformance/fixtures.test-support.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/store.js';
import { ChatService } from './service.js';

describe('ChatService', () => {
  let store: SqliteStore;
  let service: ChatService;
  const published: BusEvent[] = [];
  let clock = 1_000;

  before(async () => {
    store = openSqliteStore(':memory:');
    const bus = new MemoryBus();
    bus.subscribe((event) => published.push(event));
    const limiters = memoryLimiters({ ...DEFAULT_LIMITS, rateMessages: 3 });
    service = new ChatService({ store, bus, metrics: new RelayMetrics(), now: () => clock, limiters });
    await service.putGroup('g1', groupWrite({ revealAt: 50_000 }));
  });
  after(() => store.close());

  const code = (expected: string) => (error: unknown) => error instanceof ChatError && error.code === expected;

  it('opens the caller’s conversation with their giftee or santa, and refuses strangers', async () => {
    const { overview, created } = await service.openConversation('a', 'g1', 'giftee');
    assert.equal(created, true);
    assert.equal(overview.conversation.gifteeId, 'b');
    assert.equal((await service.openConversation('b', 'g1', 'santa')).overview.conversation.id, overview.conversation.id);
    await assert.rejects(service.openConversation('mallory', 'g1', 'giftee'), code('FORBIDDEN'));
    await assert.rejects(service.openConversation('a', 'missing', 'giftee'), code('FORBIDDEN'));
    assert.ok(published.some((event) => event.type === 'conversation'));
  });

  it('sends once per clientId, checks content, and refuses non-participants', async () => {
    const { overview } = await service.openConversation('a', 'g1', 'giftee');
    const id = overview.conversation.id;
    const first = await service.send('a', id, '  hello  ', 'k1');
    assert.equal(first.content, 'hello');
    const retry = await service.send('a', id, 'different text', 'k1');
    assert.deepEqual(retry, first, 'a retry gets the original');
    await assert.rejects(service.send('a', id, '   ', 'k2'), code('EMPTY'));
    await assert.rejects(service.send('c', id, 'hi', 'k3'), code('FORBIDDEN'));
    assert.equal(published.filter((event) => event.type === 'message').length, 2, 'published again for the retry');
  });

  it('limits stored messages per user, and answers a retry of a stored one even when limited', async () => {
    const { overview } = await service.openConversation('c', 'g1', 'giftee');
    const id = overview.conversation.id;
    await service.send('c', id, 'one', 'c1');
    await service.send('c', id, 'two', 'c2');
    await service.send('c', id, 'three', 'c3');
    await assert.rejects(service.send('c', id, 'four', 'c4'), (error: unknown) => error instanceof ChatError && error.code === 'RATE_LIMITED' && (error.retryAfterMs ?? 0) > 0);
    assert.equal((await service.send('c', id, 'again', 'c1')).content, 'one');
  });

  it('publishes what a group write closes and reveals, then the group event', async () => {
    const { overview } = await service.openConversation('d', 'g1', 'giftee');
    published.length = 0;
    clock = 2_000;
    const keep = cycle.filter((pair) => pair.santa !== 'd');
    await service.putGroup('g1', groupWrite({ revealAt: 1_500, assignments: keep }));
    const types = published.map((event) => event.type);
    assert.equal(types.at(-1), 'group');
    const closed = published.find((event) => event.type === 'conversation');
    assert.ok(closed?.type === 'conversation' && closed.context.conversation.id === overview.conversation.id);
    assert.equal(closed.context.conversation.closedAt, 2_000);
    assert.equal(published.filter((event) => event.type === 'reveal').length, 2, 'the two open, kept conversations');
  });

  it('erases a group and tells both sides of its open conversations', async () => {
    published.length = 0;
    assert.equal(await service.deleteGroup('g1'), true);
    assert.equal(await service.deleteGroup('g1'), false);
    assert.ok(published.filter((event) => event.type === 'conversation').every((event) => event.type === 'conversation' && event.context.conversation.closedAt !== null));
    assert.equal(await service.getGroup('g1'), null);
  });

  it('reports its health', async () => {
    assert.deepEqual(await service.health(), { store: 'ok', redis: 'off' });
  });
});
