/**
 * The send object (`send.ts`) over a real store (SQLite in memory) and the in-process bus: the
 * order in which a send tells its reply and publishes, retries that follow an attempt still on
 * its way, and the same answers from a store that has no hot path (as PostgreSQL's).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { BusEvent } from '../cluster/bus.js';
import { MemoryBus } from '../cluster/memory-bus.js';
import { ChatError } from '../core/errors.js';
import { RelayMetrics } from '../core/metrics.js';
import { MemoryRateLimiter } from '../limits/rate-limiter.js';
import { groupWrite, openPair } from '../store/conformance/fixtures.test-support.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/store.js';
import type { MessageRecord, Store } from '../store/store.js';
import { MessageSender, type SendReply } from './send.js';

/** A reply that writes down what it is told, in order, into a log shared with the bus. */
function recorder(log: string[], name: string): SendReply & { message: Promise<MessageRecord> } {
  let resolve!: (message: MessageRecord) => void;
  let reject!: (error: unknown) => void;
  const message = new Promise<MessageRecord>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return {
    message,
    stored: (stored) => log.push(`${name} stored ${stored.seq}`),
    done: (done) => {
      log.push(`${name} done ${done.seq}`);
      resolve(done);
    },
    failed: (error) => {
      log.push(`${name} failed ${error instanceof ChatError ? error.code : String(error)}`);
      reject(error);
    },
  };
}

/** The store without its hot-path methods: contexts are read and appends awaited through promises. */
function withoutHotPath(store: SqliteStore): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'appendMessageNow' || key === 'peekConversation') return undefined;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

for (const hotPath of [true, false]) {
  describe(`MessageSender, ${hotPath ? 'on the store’s hot path' : 'through promises only'}`, () => {
    let store: SqliteStore;
    let sender: MessageSender;
    let conversationId: string;
    const log: string[] = [];

    beforeEach(async () => {
      log.length = 0;
      store = openSqliteStore(':memory:');
      const bus = new MemoryBus();
      bus.subscribe((event: BusEvent) => {
        if (event.type === 'message') log.push(`published ${event.message.seq}`);
      });
      await store.putGroup('g1', groupWrite(), 1_000);
      conversationId = (await openPair(store, 'g1', 'a', 'b', 1_000)).conversation.id;
      // The cached context exists once it was read; the hot path starts from it.
      await store.getConversation(conversationId);
      sender = new MessageSender({
        store: hotPath ? store : withoutHotPath(store),
        bus,
        metrics: new RelayMetrics(),
        limiter: new MemoryRateLimiter(2, 10_000),
        now: () => 2_000,
        notifyAfterMs: undefined,
      });
    });
    afterEach(() => store.close());

    it('tells `stored` before it publishes, and `done` after', async () => {
      const reply = recorder(log, 'first');
      sender.send('a', conversationId, '  hello  ', 'k1', reply);
      const message = await reply.message;
      assert.equal(message.content, 'hello');
      assert.deepEqual(log, ['first stored 1', 'published 1', 'first done 1']);
    });

    it('a retry sent while the original is on its way follows it: one message, one publish, no second `stored`', async () => {
      const original = recorder(log, 'original');
      const retry = recorder(log, 'retry');
      sender.send('a', conversationId, 'once', 'k1', original);
      sender.send('a', conversationId, 'different text', 'k1', retry);
      const [first, second] = await Promise.all([original.message, retry.message]);
      assert.deepEqual(second, first);
      assert.deepEqual(log, ['original stored 1', 'published 1', 'original done 1', 'retry done 1']);
      assert.equal((await store.listMessages(conversationId, { limit: 10 })).messages.length, 1);
    });

    it('a retry after the original is answered with it, published again, whatever the limit and content say', async () => {
      const first = recorder(log, 'first');
      sender.send('a', conversationId, 'one', 'k1', first);
      await first.message;
      const second = recorder(log, 'second');
      sender.send('a', conversationId, 'two', 'k2', second);
      await second.message;
      const limited = recorder(log, 'limited');
      sender.send('a', conversationId, 'three', 'k3', limited);
      await assert.rejects(limited.message, (error: unknown) => error instanceof ChatError && error.code === 'RATE_LIMITED');
      log.length = 0;
      const retry = recorder(log, 'retry');
      sender.send('a', conversationId, '', 'k1', retry);
      assert.equal((await retry.message).content, 'one');
      assert.deepEqual(log, ['published 1', 'retry done 1']);
    });

    it('refuses a stranger and empty content, storing nothing and giving no slot away', async () => {
      const stranger = recorder(log, 'stranger');
      sender.send('c', conversationId, 'hi', 'k1', stranger);
      await assert.rejects(stranger.message, (error: unknown) => error instanceof ChatError && error.code === 'FORBIDDEN');
      const empty = recorder(log, 'empty');
      sender.send('a', conversationId, '   ', null, empty);
      await assert.rejects(empty.message, (error: unknown) => error instanceof ChatError && error.code === 'EMPTY');
      for (const clientId of ['k2', 'k3']) {
        const reply = recorder(log, clientId);
        sender.send('a', conversationId, clientId, clientId, reply);
        await reply.message;
      }
      assert.deepEqual(log, ['stranger failed FORBIDDEN', 'empty failed EMPTY', 'k2 stored 1', 'published 1', 'k2 done 1', 'k3 stored 2', 'published 2', 'k3 done 2']);
    });

    it('a store that throws instead of rejecting still ends the send, as failed', async () => {
      const throwing = new Proxy(store, {
        get(target, key) {
          if (key === 'peekConversation') return undefined;
          if (key === 'getConversation') {
            return () => {
              throw new Error('the database is away');
            };
          }
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const broken = new MessageSender({ ...sender.parts, store: throwing });
      const reply = recorder(log, 'broken');
      broken.send('a', conversationId, 'hello', null, reply);
      await assert.rejects(reply.message, /the database is away/);
      await broken.drain();
    });

    it('drain waits until every send started is over, refused ones too', async () => {
      const stored = recorder(log, 'stored');
      const refused = recorder(log, 'refused');
      sender.send('a', conversationId, 'hello', 'k1', stored);
      sender.send('c', conversationId, 'hi', 'k2', refused);
      refused.message.catch(() => undefined);
      await sender.drain();
      assert.ok(log.includes('stored done 1') && log.includes('refused failed FORBIDDEN'), `over before drain resolved: ${log.join(', ')}`);
      await sender.drain();
    });
  });
}
