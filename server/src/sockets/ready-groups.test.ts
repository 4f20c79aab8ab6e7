/**
 * docs/protocol.md §2-3: READY `groups` and `GET /groups` (the viewer's groups and roles, the
 * santa never named), and `peerReadUpTo` on conversation objects, over a real relay.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Conversation, MemberGroup } from '../../../protocol/index.js';
import { sendMessage, settle, withRelay, type Harness } from '../../../test/helpers/ws-harness.js';

/** Every text bob (whose santa is alice) can get about his groups and conversations. */
async function everythingBobGets(harness: Harness): Promise<string[]> {
  const { client, ready } = await harness.ready('bob');
  await client.close();
  const texts = [JSON.stringify(ready)];
  for (const path of ['/groups', '/conversations']) texts.push(JSON.stringify((await harness.api('bob', 'GET', path)).body));
  texts.push(JSON.stringify((await harness.api('bob', 'POST', '/groups/office/conversation', { with: 'santa' })).body));
  return texts;
}

describe('READY groups and GET /groups', () => {
  test('a viewer with a giftee and a santa, in two groups, one not drawn; the santa is never named', async () => {
    await withRelay({}, async (harness) => {
      // office: alice -> bob -> cleo -> alice. family: bob is a member, nobody is drawn yet.
      await harness.putGroup();
      const family = {
        name: 'Family',
        members: [{ id: 'bob', name: 'Bob' }, { id: 'dan', name: 'Dan' }, { id: 'erin', name: 'Erin' }],
        assignments: [],
      };
      await harness.putGroup(family, 'family');
      const conversationId = (await harness.openConversation('alice')).conversation.id;
      const { client: alice } = await harness.ready('alice');
      await sendMessage(alice, conversationId, 'Hello from your santa');

      const { ready } = await harness.ready('bob');
      const office = ready.groups?.find((group: MemberGroup) => group.id === 'office');
      assert.deepEqual(office && { ...office, revealAt: typeof office.revealAt }, {
        id: 'office',
        name: 'Office 2026',
        revealAt: 'string',
        drawn: true,
        giftee: { id: 'cleo', name: 'Cleo' },
        hasSanta: true,
      });
      assert.deepEqual(ready.groups?.find((group: MemberGroup) => group.id === 'family'), {
        id: 'family',
        name: 'Family',
        revealAt: ready.groups?.find((group: MemberGroup) => group.id === 'family')?.revealAt,
        drawn: false,
        giftee: null,
        hasSanta: false,
      });
      assert.deepEqual(
        ready.groups?.map((group: MemberGroup) => group.id),
        ['family', 'office'],
        'by name',
      );
      const listed = await harness.api('bob', 'GET', '/groups');
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body, { success: true, groups: ready.groups });

      for (const text of await everythingBobGets(harness)) {
        assert.ok(!/alice/i.test(text), `bob's santa leaked: ${text}`);
      }
    });
  });

  test('before the raffle: no giftee, no santa; a drawn group without the viewer: no giftee; a stranger: no groups', async () => {
    await withRelay({}, async (harness) => {
      await harness.putGroup({ assignments: [] });
      await harness.putGroup(
        {
          name: 'Book club',
          members: [{ id: 'alice', name: 'Alice' }, { id: 'dan', name: 'Dan' }, { id: 'erin', name: 'Erin' }],
          assignments: [{ santa: 'dan', giftee: 'erin' }, { santa: 'erin', giftee: 'dan' }],
        },
        'books',
      );
      const { ready } = await harness.ready('alice');
      assert.deepEqual(
        ready.groups?.map(({ id, drawn, giftee, hasSanta }: MemberGroup) => ({ id, drawn, giftee, hasSanta })),
        [
          { id: 'books', drawn: true, giftee: null, hasSanta: false },
          { id: 'office', drawn: false, giftee: null, hasSanta: false },
        ],
      );
      assert.deepEqual((await harness.ready('zoe')).ready.groups, []);
      assert.deepEqual((await harness.api('zoe', 'GET', '/groups')).body, { success: true, groups: [] });
    });
  });
});

describe('peerReadUpTo', () => {
  test('READY, GET /conversations and POST carry the other side’s cursor; READ frames as before', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob, ready: bobReady } = await harness.ready('bob');
      const alias = bobReady.conversations[0]?.peer.id;
      assert.equal(bobReady.conversations[0]?.peerReadUpTo, 0);
      await sendMessage(alice, conversationId, 'one');
      await sendMessage(alice, conversationId, 'two');

      bob.send({ type: 'READ', conversationId, upTo: 2 });
      assert.deepEqual(await alice.next('READ'), { type: 'READ', conversationId, readerId: 'bob', upTo: 2 });
      assert.deepEqual(await bob.next('READ'), { type: 'READ', conversationId, readerId: 'bob', upTo: 2 }, 'the reader’s own tabs');
      await sendMessage(bob, conversationId, 'three');
      alice.send({ type: 'READ', conversationId, upTo: 3 });
      assert.deepEqual(await bob.next('READ'), { type: 'READ', conversationId, readerId: alias, upTo: 3 });
      await settle(alice, conversationId, [bob]);

      const peerCursor = (conversations: readonly Conversation[]) => conversations.find((c) => c.id === conversationId)?.peerReadUpTo;
      assert.equal(peerCursor((await harness.ready('alice')).ready.conversations), 2, "the santa sees the giftee's cursor");
      assert.equal(peerCursor((await harness.ready('bob')).ready.conversations), 3, "the giftee sees the santa's, under no name");
      assert.equal(peerCursor((await harness.conversations('alice')).conversations), 2);
      assert.equal((await harness.openConversation('bob', 'santa')).conversation.peerReadUpTo, 3);
    });
  });
});
