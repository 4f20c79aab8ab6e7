/**
 * docs/protocol.md §3 TYPING, READ and CONVERSATION frames over real sockets: who receives them,
 * under which id (the giftee sees the santa's alias), throttling and the forward-only cursor.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sleep } from '../../../test/helpers/client.js';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/relay.js';
import { GROUP_ID, pingPong, sendMessage, settle, withRelay, type Harness } from '../../../test/helpers/ws-harness.js';

/** alice -> bob with two sockets each, and cleo (in the group, not in the conversation). */
async function twoTabsEach(harness: Harness) {
  const conversationId = await harness.aliceBob();
  const { client: alice1 } = await harness.ready('alice');
  const { client: alice2 } = await harness.ready('alice');
  const { client: bob1, ready } = await harness.ready('bob');
  const { client: bob2 } = await harness.ready('bob');
  const { client: cleo } = await harness.ready('cleo');
  return { conversationId, alice1, alice2, bob1, bob2, cleo, alias: ready.conversations[0]?.peer.id };
}

describe('TYPING', () => {
  test("is relayed to the other participant's sockets only, under the alias for the giftee", async () => {
    await withRelay({}, async (harness) => {
      const { conversationId, alice1, alice2, bob1, bob2, cleo, alias } = await twoTabsEach(harness);
      assert.ok(alias !== undefined && alias !== 'alice');

      alice1.send({ type: 'TYPING', conversationId });
      assert.deepEqual(await bob1.next('TYPING'), { type: 'TYPING', conversationId, senderId: alias });
      assert.deepEqual(await bob2.next('TYPING'), { type: 'TYPING', conversationId, senderId: alias });
      bob2.send({ type: 'TYPING', conversationId });
      assert.deepEqual(await alice1.next('TYPING'), { type: 'TYPING', conversationId, senderId: 'bob' });
      assert.deepEqual(await alice2.next('TYPING'), { type: 'TYPING', conversationId, senderId: 'bob' });

      await settle(alice1, conversationId, [alice2, bob1, bob2, cleo]);
      await settle(bob2, conversationId, [alice1, alice2, bob1, cleo]);
      assert.equal(alice1.all('TYPING').length, 1, 'the typist does not hear itself');
      assert.equal(alice2.all('TYPING').length, 1);
      assert.equal(bob1.all('TYPING').length, 1);
      assert.equal(bob2.all('TYPING').length, 1);
      assert.equal(cleo.all('TYPING').length, 0);
    });
  });

  test('relays one per typing interval and drops the rest silently', async () => {
    await withRelay({ limits: { typingIntervalMs: 500 } }, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      for (let index = 0; index < 5; index += 1) alice.send({ type: 'TYPING', conversationId });
      await settle(alice, conversationId, [bob]);
      assert.equal(bob.all('TYPING').length, 1);
      assert.deepEqual(alice.all('ERROR'), [], 'dropped silently');

      await sleep(550);
      alice.send({ type: 'TYPING', conversationId });
      alice.send({ type: 'TYPING', conversationId });
      await settle(alice, conversationId, [bob]);
      assert.equal(bob.all('TYPING').length, 2);
    });
  });
});

describe('READ', () => {
  test('reaches every socket of both participants, readerId as each viewer knows the reader', async () => {
    await withRelay({}, async (harness) => {
      const { conversationId, alice1, alice2, bob1, bob2, cleo, alias } = await twoTabsEach(harness);
      await sendMessage(alice1, conversationId, 'one');
      await sendMessage(bob1, conversationId, 'two');

      bob1.send({ type: 'READ', conversationId, upTo: 1 });
      for (const client of [alice1, alice2, bob1, bob2]) {
        assert.deepEqual(await client.next('READ'), { type: 'READ', conversationId, readerId: 'bob', upTo: 1 });
      }
      alice2.send({ type: 'READ', conversationId, upTo: 2 });
      for (const client of [alice1, alice2]) {
        assert.deepEqual(await client.next('READ'), { type: 'READ', conversationId, readerId: 'alice', upTo: 2 });
      }
      for (const client of [bob1, bob2]) {
        assert.deepEqual(await client.next('READ'), { type: 'READ', conversationId, readerId: alias, upTo: 2 });
      }
      await settle(alice2, conversationId, [cleo]);
      assert.deepEqual(cleo.all('READ'), []);
    });
  });

  test('only moves forward, and unread in READY and GET /conversations follows the cursor', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      for (const content of ['one', 'two', 'three']) await sendMessage(alice, conversationId, content);
      const { client: bob, ready: before } = await harness.ready('bob');
      assert.equal(before.unreadTotal, 3);
      assert.equal(before.conversations[0]?.unread, 3);

      bob.send({ type: 'READ', conversationId, upTo: 2 });
      assert.equal((await bob.next('READ')).upTo, 2);
      assert.equal((await harness.conversations('bob')).unreadTotal, 1);

      bob.send({ type: 'READ', conversationId, upTo: 3 });
      assert.equal((await bob.next('READ')).upTo, 3);
      bob.send({ type: 'READ', conversationId, upTo: 1 });
      await settle(bob, conversationId, [alice]);
      assert.equal(bob.all('READ').length, 2, 'a backward READ is not announced');
      assert.equal(alice.all('READ').length, 2);
      assert.deepEqual(bob.all('ERROR'), []);

      const listed = await harness.conversations('bob');
      assert.equal(listed.unreadTotal, 0);
      assert.equal(listed.conversations[0]?.unread, 0);
      const { ready: after } = await harness.ready('bob');
      assert.equal(after.unreadTotal, 0);
      assert.equal((await harness.conversations('alice')).unreadTotal, 0, "one's own messages are never unread");
    });
  });

  test('the cursor, and so unread, survives a relay restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-ws-'));
    try {
      let conversationId = '';
      await withRelay({ dataDir }, async (harness) => {
        conversationId = await harness.aliceBob();
        const { client: alice } = await harness.ready('alice');
        for (const content of ['one', 'two', 'three']) await sendMessage(alice, conversationId, content);
        const { client: bob } = await harness.ready('bob');
        bob.send({ type: 'READ', conversationId, upTo: 1 });
        await bob.next('READ');
      });
      await withRelay({ dataDir }, async (harness) => {
        const { ready } = await harness.ready('bob');
        assert.equal(ready.conversations[0]?.id, conversationId);
        assert.equal(ready.unreadTotal, 2);
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('clamps a cursor beyond the last seq to the last seq', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      for (const content of ['one', 'two', 'three']) await sendMessage(alice, conversationId, content);
      bob.send({ type: 'READ', conversationId, upTo: 99 });
      assert.equal((await bob.next('READ')).upTo, 3);
      assert.equal((await alice.next('READ')).upTo, 3);

      await sendMessage(alice, conversationId, 'four');
      const listed = await harness.conversations('bob');
      assert.equal(listed.unreadTotal, 1, 'the cursor stopped at 3, so message 4 is unread');
      assert.equal(listed.conversations[0]?.unread, 1);
    });
  });
});

describe('CONVERSATION', () => {
  test('is pushed to every socket of both participants when created, not when it already existed', async () => {
    await withRelay({}, async (harness) => {
      await harness.putGroup();
      const { client: alice1 } = await harness.ready('alice');
      const { client: alice2 } = await harness.ready('alice');
      const { client: bob1 } = await harness.ready('bob');
      const { client: bob2 } = await harness.ready('bob');
      const { client: cleo } = await harness.ready('cleo');

      const { status, conversation } = await harness.openConversation('alice');
      assert.equal(status, 201);
      for (const client of [alice1, alice2]) {
        const pushed = (await client.next('CONVERSATION')).conversation;
        assert.equal(pushed.id, conversation.id);
        assert.equal(pushed.role, 'santa');
        assert.deepEqual(pushed.peer, { id: 'bob', name: 'Bob', anonymous: false });
        assert.equal(pushed.closed, false);
      }
      for (const client of [bob1, bob2]) {
        const pushed = (await client.next('CONVERSATION')).conversation;
        assert.equal(pushed.id, conversation.id);
        assert.equal(pushed.role, 'giftee');
        assert.equal(pushed.peer.anonymous, true);
        assert.equal(pushed.peer.name, 'Secret Santa');
        assert.deepEqual(pushed.participants, [pushed.peer.id, 'bob']);
        assert.ok(!JSON.stringify(pushed).includes('alice'));
      }

      const again = await harness.openConversation('bob', 'santa');
      assert.equal(again.status, 200);
      assert.equal(again.conversation.id, conversation.id);
      await Promise.all([alice1, alice2, bob1, bob2, cleo].map((client) => pingPong(client)));
      for (const client of [alice1, alice2, bob1, bob2]) assert.equal(client.all('CONVERSATION').length, 1);
      assert.deepEqual(cleo.all('CONVERSATION'), []);
    });
  });

  test('is pushed with closed: true to both when a re-draw removes the pair; then its frames are FORBIDDEN', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice1 } = await harness.ready('alice');
      const { client: alice2 } = await harness.ready('alice');
      const { client: bob1 } = await harness.ready('bob');
      const { client: bob2 } = await harness.ready('bob');
      await sendMessage(alice1, conversationId, 'before the re-draw');

      const status = await harness.putGroup({
        assignments: [
          { santa: 'alice', giftee: 'cleo' },
          { santa: 'cleo', giftee: 'bob' },
          { santa: 'bob', giftee: 'alice' },
        ],
      });
      assert.equal(status, 200);
      for (const client of [alice1, alice2, bob1, bob2]) {
        const pushed = (await client.next('CONVERSATION')).conversation;
        assert.equal(pushed.id, conversationId);
        assert.equal(pushed.closed, true);
      }
      const bobsView = bob1.all('CONVERSATION')[0]?.conversation;
      assert.ok(!JSON.stringify(bobsView).includes('alice'), 'the closed pair leaks nothing to the giftee');

      for (const [client, frame] of [
        [alice1, { type: 'NEW_MESSAGE', conversationId, content: 'after', clientId: 'after-redraw' }],
        [bob1, { type: 'TYPING', conversationId }],
        [bob2, { type: 'READ', conversationId, upTo: 1 }],
        [alice2, { type: 'SYNC', conversationId, after: 0 }],
      ] as const) {
        client.send(frame);
        const error = await client.next('ERROR');
        assert.equal(error.code, 'FORBIDDEN', frame.type);
        assert.equal(error.conversationId, conversationId);
      }
      assert.equal(alice1.all('ERROR')[0]?.clientId, 'after-redraw');
      await Promise.all([alice1, bob1].map((client) => pingPong(client)));
      assert.equal(bob1.all('NEW_MESSAGE').length, 1);
      assert.equal(alice2.all('TYPING').length, 0);
      assert.equal(alice1.all('READ').length, 0);
      const { ready } = await harness.ready('bob');
      assert.ok(ready.conversations.every((conversation) => conversation.id !== conversationId));
    });
  });

  test('is pushed with closed: true to both when the host deletes the group', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob } = await harness.ready('bob');
      const response = await fetch(`${harness.relay.url}/admin/groups/${GROUP_ID}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      assert.equal(response.status, 200);
      for (const client of [alice, bob]) {
        const pushed = (await client.next('CONVERSATION')).conversation;
        assert.equal(pushed.id, conversationId);
        assert.equal(pushed.closed, true);
      }
      bob.send({ type: 'SYNC', conversationId, after: 0 });
      assert.equal((await bob.next('ERROR')).code, 'FORBIDDEN');
    });
  });
});

describe('REVEAL', () => {
  test("is pushed to both participants' sockets at revealAt; from then on the giftee sees real ids", async () => {
    const revealAt = Date.now() + 1200;
    await withRelay({}, async (harness) => {
      await harness.putGroup({ revealAt: new Date(revealAt).toISOString() });
      const conversationId = (await harness.openConversation('alice')).conversation.id;
      const { client: alice } = await harness.ready('alice');
      const { client: bob, ready } = await harness.ready('bob');
      const { client: cleo } = await harness.ready('cleo');
      const before = ready.conversations[0];
      assert.equal(before?.revealed, false);
      const alias = before?.peer.id ?? '';
      assert.notEqual(alias, 'alice');

      assert.deepEqual(await bob.next('REVEAL', undefined, 4000), {
        type: 'REVEAL',
        conversationId,
        alias,
        participants: ['alice', 'bob'],
        peer: { id: 'alice', name: 'Alice', anonymous: false },
      });
      assert.ok(Date.now() >= revealAt - 50, 'revealed early');
      assert.deepEqual(await alice.next('REVEAL'), {
        type: 'REVEAL',
        conversationId,
        alias,
        participants: ['alice', 'bob'],
        peer: { id: 'bob', name: 'Bob', anonymous: false },
      });
      await sendMessage(alice, conversationId, 'it was me');
      assert.equal((await bob.next('NEW_MESSAGE')).senderId, 'alice');
      const { ready: after } = await harness.ready('bob');
      assert.equal(after.conversations[0]?.revealed, true);
      assert.deepEqual(after.conversations[0]?.peer, { id: 'alice', name: 'Alice', anonymous: false });
      await pingPong(cleo);
      assert.deepEqual(cleo.all('REVEAL'), []);
    });
  });

  test('is pushed at once when a PUT moves revealAt into the past; a PUT with the same pairs closes nothing', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob, ready } = await harness.ready('bob');
      const alias = ready.conversations[0]?.peer.id;
      assert.equal(await harness.putGroup({ revealAt: new Date(Date.now() - 1000).toISOString() }), 200);
      const reveal = await bob.next('REVEAL');
      assert.equal(reveal.conversationId, conversationId);
      assert.equal(reveal.alias, alias);
      assert.deepEqual(reveal.peer, { id: 'alice', name: 'Alice', anonymous: false });
      assert.equal((await alice.next('REVEAL')).conversationId, conversationId);
      await Promise.all([alice, bob].map((client) => pingPong(client)));
      assert.deepEqual(bob.all('CONVERSATION'), []);
      assert.deepEqual(alice.all('CONVERSATION'), []);
    });
  });
});
