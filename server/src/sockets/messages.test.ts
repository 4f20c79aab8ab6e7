/**
 * docs/protocol.md §3 NEW_MESSAGE, ACK, SYNC / HISTORY and §4's content rule, over real sockets:
 * who receives what, in which order, what is stored, and that a retry duplicates nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openStore } from '../open-store.js';
import type { Store } from '../store/store.js';
import { errorFor, sendMessage, settle, withRelay } from '../../../test/helpers/ws-harness.js';

type Vector = { name: string; input: string; result: 'ok' | 'EMPTY' | 'BAD_REQUEST' | 'TOO_LONG'; content?: string };
const vectorsUrl = new URL('../../../protocol/content-rule-vectors.json', import.meta.url);
const { vectors } = JSON.parse(readFileSync(vectorsUrl, 'utf8')) as { vectors: Vector[] };

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('NEW_MESSAGE', () => {
  test("ACKs the sending socket and delivers to both participants' other sockets, clientId only to the sender's", async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice1 } = await harness.ready('alice');
      const { client: alice2 } = await harness.ready('alice');
      const { client: bob1, ready: bobReady } = await harness.ready('bob');
      const { client: bob2 } = await harness.ready('bob');
      const { client: cleo } = await harness.ready('cleo');
      const alias = bobReady.conversations[0]?.peer.id;
      assert.ok(alias !== undefined && alias !== 'alice');

      alice1.send({ type: 'NEW_MESSAGE', conversationId, content: 'Do you like blue or red?', clientId: 'c-1' });
      const ack = await alice1.next('ACK');
      assert.deepEqual(Object.keys(ack).sort(), ['clientId', 'conversationId', 'id', 'seq', 'timestamp', 'type']);
      assert.equal(ack.clientId, 'c-1');
      assert.equal(ack.conversationId, conversationId);
      assert.equal(ack.seq, 1);
      assert.match(ack.timestamp, ISO_UTC);

      const expected = { type: 'NEW_MESSAGE', conversationId, id: ack.id, seq: 1, content: 'Do you like blue or red?', timestamp: ack.timestamp };
      assert.deepEqual(await alice2.next('NEW_MESSAGE'), { ...expected, senderId: 'alice', clientId: 'c-1' });
      assert.deepEqual(await bob1.next('NEW_MESSAGE'), { ...expected, senderId: alias });
      assert.deepEqual(await bob2.next('NEW_MESSAGE'), { ...expected, senderId: alias });

      bob2.send({ type: 'NEW_MESSAGE', conversationId, content: 'Red!', clientId: 'b-1' });
      assert.equal((await bob2.next('ACK')).seq, 2);
      assert.equal((await alice1.next('NEW_MESSAGE')).senderId, 'bob');
      const bobEcho = await bob1.next('NEW_MESSAGE');
      assert.equal(bobEcho.clientId, 'b-1');
      assert.equal(bobEcho.senderId, 'bob');

      await settle(alice1, conversationId, [alice2, bob1, bob2, cleo]);
      assert.equal(alice2.all('ACK').length, 0, 'only the sending socket gets the ACK');
      assert.equal(bob1.all('ACK').length, 0);
      assert.equal(cleo.all('NEW_MESSAGE').length, 0, 'nobody outside the conversation hears it');
      // The ACK stands for the sending socket's NEW_MESSAGE: each socket gets every message once.
      assert.deepEqual(alice1.all('NEW_MESSAGE').map((frame) => frame.seq), [2]);
      assert.deepEqual(bob2.all('NEW_MESSAGE').map((frame) => frame.seq), [1]);
      for (const client of [alice2, bob1]) assert.deepEqual(client.all('NEW_MESSAGE').map((frame) => frame.seq), [1, 2]);
      const leaking = bob1.raw.filter((text) => text.includes('alice'));
      assert.deepEqual(leaking, [], "the giftee's frames never carry the santa's id");
    });
  });

  test('a send without a clientId gets no ACK, so its own socket gets the NEW_MESSAGE', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'no id' });
      const echo = await alice.next('NEW_MESSAGE');
      assert.equal(echo.content, 'no id');
      assert.equal(echo.senderId, 'alice');
      assert.equal('clientId' in echo, false);
      assert.equal((await bob.next('NEW_MESSAGE')).id, echo.id);
      await settle(alice, conversationId, [bob]);
      assert.equal(alice.all('ACK').length, 0);
    });
  });

  test('a repeated clientId on the sending socket is ACKed again and never echoed', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'once', clientId: 'again' });
      const ack = await alice.next('ACK');
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'once', clientId: 'again' });
      assert.deepEqual(await alice.next('ACK'), ack);
      await settle(alice, conversationId, [bob]);
      assert.deepEqual(alice.all('NEW_MESSAGE'), []);
      assert.deepEqual(bob.all('NEW_MESSAGE').map((frame) => frame.id), [ack.id]);
    });
  });

  test('numbers messages 1, 2, 3 in the order they were sent', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      for (const content of ['first', 'second', 'third']) {
        alice.send({ type: 'NEW_MESSAGE', conversationId, content, clientId: content });
      }
      const acks = [await alice.next('ACK'), await alice.next('ACK'), await alice.next('ACK')];
      assert.deepEqual(acks.map((ack) => [ack.clientId, ack.seq]), [['first', 1], ['second', 2], ['third', 3]]);
      const received = [await bob.next('NEW_MESSAGE'), await bob.next('NEW_MESSAGE'), await bob.next('NEW_MESSAGE')];
      assert.deepEqual(received.map((frame) => [frame.content, frame.seq]), [['first', 1], ['second', 2], ['third', 3]]);
    });
  });

  test("answers one socket's frames in the order it sent them, a refusal and a SYNC between two sends included", async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'one', clientId: 'o-1' });
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: '   ', clientId: 'o-2' });
      alice.send({ type: 'SYNC', conversationId, after: 0 });
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'two', clientId: 'o-3' });
      alice.send({ type: 'NEW_MESSAGE', conversationId: 'nope', content: 'three', clientId: 'o-4' });
      await alice.next('HISTORY');
      await errorFor(alice, 'o-4');
      await bob.next('NEW_MESSAGE');
      await bob.next('NEW_MESSAGE');
      const answers = alice.raw.map((text) => JSON.parse(text) as { type: string; clientId?: string; code?: string; messages?: unknown[] });
      const after = answers.slice(answers.findIndex((frame) => frame.type === 'ACK'));
      assert.deepEqual(
        after.map((frame) => [frame.type, frame.clientId ?? frame.code ?? frame.messages?.length]),
        [
          ['ACK', 'o-1'],
          ['ERROR', 'o-2'],
          ['HISTORY', 1],
          ['ACK', 'o-3'],
          ['ERROR', 'o-4'],
        ],
      );
    });
  });

  test('stores and delivers the normalized content', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      await sendMessage(alice, conversationId, '  \r\n hello\r\nthere\rfriend \t\n');
      assert.equal((await bob.next('NEW_MESSAGE')).content, 'hello\nthere\nfriend');
      const [stored] = await harness.history('bob', conversationId);
      assert.equal(stored?.content, 'hello\nthere\nfriend');
    });
  });

  test('refuses EMPTY, BAD_REQUEST and TOO_LONG with the ids echoed, and stores or delivers nothing', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: aliceOtherTab } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      const cases = [
        { clientId: 'empty', content: ' \r\n\t ', code: 'EMPTY' },
        { clientId: 'control', content: 'ding\u0007', code: 'BAD_REQUEST' },
        { clientId: 'long', content: '🎅'.repeat(501), code: 'TOO_LONG' },
      ];
      for (const { clientId, content, code } of cases) {
        alice.send({ type: 'NEW_MESSAGE', conversationId, content, clientId });
        const error = await errorFor(alice, clientId);
        assert.equal(error.code, code, clientId);
        assert.equal(error.conversationId, conversationId);
        assert.equal(typeof error.message, 'string');
      }
      await settle(alice, conversationId, [bob, aliceOtherTab]);
      assert.deepEqual(aliceOtherTab.all('ERROR'), [], 'an ERROR goes to the socket whose frame failed only');
      assert.deepEqual(alice.all('ACK'), []);
      assert.deepEqual(bob.all('NEW_MESSAGE'), []);
      assert.deepEqual(await harness.history('alice', conversationId), []);

      // Nothing was stored under the refused clientId, so it is free for a good message.
      const ack = await sendMessage(alice, conversationId, '🎅'.repeat(500), 'long');
      assert.equal(ack.seq, 1);
      assert.equal((await bob.next('NEW_MESSAGE')).content, '🎅'.repeat(500));
    });
  });

  test('applies every shared content-rule vector', async () => {
    await withRelay({ limits: { rateMessages: 1000 } }, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: aliceTab } = await harness.ready('alice');
      const accepted: string[] = [];
      for (const [index, vector] of vectors.entries()) {
        const clientId = `vector-${index}`;
        alice.send({ type: 'NEW_MESSAGE', conversationId, content: vector.input, clientId });
        if (vector.result === 'ok') {
          await alice.next('ACK', (ack) => ack.clientId === clientId);
          const delivered = await aliceTab.next('NEW_MESSAGE', (frame) => frame.clientId === clientId);
          assert.equal(delivered.content, vector.content, vector.name);
          accepted.push(vector.content ?? '');
        } else {
          assert.equal((await errorFor(alice, clientId)).code, vector.result, vector.name);
        }
      }
      assert.deepEqual((await harness.history('bob', conversationId)).map((message) => message.content), accepted);
    });
  });

  test('answers FORBIDDEN, with one wording, for a conversation of other people and for an unknown id', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: cleo } = await harness.ready('cleo');
      cleo.send({ type: 'NEW_MESSAGE', conversationId, content: 'let me in', clientId: 'theirs' });
      cleo.send({ type: 'NEW_MESSAGE', conversationId: 'no-such-conversation', content: 'hello?', clientId: 'unknown' });
      const theirs = await errorFor(cleo, 'theirs');
      const unknown = await errorFor(cleo, 'unknown');
      assert.equal(theirs.code, 'FORBIDDEN');
      assert.equal(unknown.code, 'FORBIDDEN');
      assert.equal(theirs.message, unknown.message);
      assert.equal(theirs.conversationId, conversationId);
      assert.equal(unknown.conversationId, 'no-such-conversation');
      for (const frame of [
        { type: 'TYPING', conversationId },
        { type: 'READ', conversationId, upTo: 1 },
        { type: 'SYNC', conversationId, after: 0 },
      ]) {
        cleo.send(frame);
        const error = await cleo.next('ERROR');
        assert.equal(error.code, 'FORBIDDEN', frame.type);
        assert.equal(error.message, theirs.message);
      }
      assert.deepEqual(await harness.history('alice', conversationId), []);
    });
  });

  test("accepts the seed's shape without clientId: delivered to both sides, no ACK", async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'seed shape' });
      const own = await alice.next('NEW_MESSAGE');
      assert.equal(own.content, 'seed shape');
      assert.equal(own.seq, 1);
      assert.equal('clientId' in own, false);
      assert.equal((await bob.next('NEW_MESSAGE')).content, 'seed shape');
      await settle(alice, conversationId);
      assert.deepEqual(alice.all('ACK'), []);
      assert.equal((await harness.history('alice', conversationId)).length, 1);
    });
  });
});

describe('NEW_MESSAGE retries (clientId)', () => {
  test("a retried clientId gets the original's ACK, whatever its content, and stores and delivers nothing new", async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      const original = await sendMessage(alice, conversationId, 'original', 'retry-me');
      await bob.next('NEW_MESSAGE');

      const { client: reconnected } = await harness.ready('alice');
      const retried = await sendMessage(reconnected, conversationId, 'different content', 'retry-me');
      assert.deepEqual(retried, original);
      assert.deepEqual(await sendMessage(reconnected, conversationId, '   ', 'retry-me'), original, 'even content that would be refused');

      await settle(reconnected, conversationId, [alice, bob]);
      assert.equal(bob.all('NEW_MESSAGE').length, 1);
      assert.equal(alice.all('NEW_MESSAGE').length, 0, 'the sending socket had its ACK, and nothing new was published to it');
      assert.equal(reconnected.all('NEW_MESSAGE').length, 0);
      assert.deepEqual((await harness.history('bob', conversationId)).map((message) => message.content), ['original']);
    });
  });

  test('the same clientId sent twice without waiting stores one message and ACKs it twice', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: alice2 } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      const frame = { type: 'NEW_MESSAGE', conversationId, content: 'twice', clientId: 'twice' };
      alice.send(frame);
      alice.send(frame);
      alice2.send(frame);
      const [first, second, other] = [await alice.next('ACK'), await alice.next('ACK'), await alice2.next('ACK')];
      assert.deepEqual(second, first);
      assert.deepEqual(other, first);
      await settle(alice, conversationId, [bob, alice2]);
      await settle(alice2, conversationId, [bob]);
      assert.equal(bob.all('NEW_MESSAGE').length, 1);
      assert.equal((await harness.history('alice', conversationId)).length, 1);
    });
  });

  test('a clientId is per sender: the same id from the other participant is a new message', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      const fromAlice = await sendMessage(alice, conversationId, 'from alice', 'shared-id');
      const fromBob = await sendMessage(bob, conversationId, 'from bob', 'shared-id');
      assert.notEqual(fromBob.id, fromAlice.id);
      assert.equal(fromBob.seq, 2);
      assert.equal((await harness.history('alice', conversationId)).length, 2);
    });
  });
});

describe('SYNC', () => {
  test('answers HISTORY with seq > after, at most 200 a page with hasMore, until drained', async () => {
    await withRelay({ limits: { rateMessages: 1000 } }, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      for (let index = 1; index <= 205; index += 1) {
        alice.send({ type: 'NEW_MESSAGE', conversationId, content: `message ${index}`, clientId: `m-${index}` });
      }
      await alice.next('ACK', (ack) => ack.clientId === 'm-205', 10_000);

      const { client: bob, ready } = await harness.ready('bob');
      const alias = ready.conversations[0]?.peer.id;
      bob.send({ type: 'SYNC', conversationId, after: 0 });
      const firstPage = await bob.next('HISTORY');
      assert.equal(firstPage.conversationId, conversationId);
      assert.equal(firstPage.messages.length, 200);
      assert.equal(firstPage.hasMore, true);
      assert.deepEqual(firstPage.messages.map((message) => message.seq), Array.from({ length: 200 }, (_, index) => index + 1));
      assert.deepEqual(firstPage.messages[0], {
        id: firstPage.messages[0]?.id,
        conversationId,
        seq: 1,
        senderId: alias,
        content: 'message 1',
        timestamp: firstPage.messages[0]?.timestamp,
      });

      bob.send({ type: 'SYNC', conversationId, after: 200 });
      const lastPage = await bob.next('HISTORY');
      assert.deepEqual(lastPage.messages.map((message) => message.content), ['message 201', 'message 202', 'message 203', 'message 204', 'message 205']);
      assert.equal(lastPage.hasMore, false);

      bob.send({ type: 'SYNC', conversationId, after: 203 });
      assert.deepEqual((await bob.next('HISTORY')).messages.map((message) => message.seq), [204, 205]);
      bob.send({ type: 'SYNC', conversationId, after: 205 });
      assert.deepEqual(await bob.next('HISTORY'), { type: 'HISTORY', conversationId, messages: [], hasMore: false });
    });
  });
});

describe('store failure', () => {
  test('answers ERROR INTERNAL with the ids, stores nothing, keeps the socket open and gives the rate slot back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-ws-'));
    const store = await openStore(`sqlite:${join(dataDir, 'relay.db')}`);
    // The disk fails once; everything else is the real store, without its hot-path methods
    // (as PostgreSQL's): the send reads and appends through promises.
    let failNextAppend = true;
    const failingOnce = new Proxy(store, {
      get(target, key) {
        if (key === 'appendMessageNow' || key === 'peekConversation') return undefined;
        if (key === 'appendMessage' && failNextAppend) {
          return async () => {
            failNextAppend = false;
            throw new Error('disk I/O error');
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) satisfies Store;
    try {
      await withRelay({ store: failingOnce, dataDir, limits: { rateMessages: 1 } }, async (harness) => {
        const conversationId = await harness.aliceBob();
        const { client: alice } = await harness.ready('alice');
        const { client: bob } = await harness.ready('bob');
        alice.send({ type: 'NEW_MESSAGE', conversationId, content: 'lost?', clientId: 'disk' });
        const error = await errorFor(alice, 'disk');
        assert.equal(error.code, 'INTERNAL');
        assert.equal(error.conversationId, conversationId);
        assert.ok(!error.message.includes('disk I/O'), 'internal details stay in the log');
        await settle(alice, conversationId, [bob]);
        assert.deepEqual(alice.all('ACK'), []);
        assert.deepEqual(bob.all('NEW_MESSAGE'), []);
        assert.deepEqual(await harness.history('alice', conversationId), []);

        const retried = await sendMessage(alice, conversationId, 'lost?', 'disk');
        assert.equal(retried.seq, 1);
        assert.equal((await bob.next('NEW_MESSAGE')).content, 'lost?');
      });
    } finally {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
