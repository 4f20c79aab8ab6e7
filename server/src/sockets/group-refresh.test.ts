/**
 * docs/protocol.md §2: a group written while its members are connected (the raffle drawn,
 * members added or removed, the group erased) reaches their sockets as a fresh READY, whose
 * `groups` say what changed; nobody outside the group hears of it, and the santa stays unnamed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MemberGroup, ReadyFrame } from '../../../protocol/index.js';
import { pingPong, withRelay } from '../../../test/helpers/ws-harness.js';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/relay.js';

const FAMILY = 'family';
const undrawn = {
  name: 'Family',
  revealAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
  members: [
    { id: 'bob', name: 'Bob' },
    { id: 'dan', name: 'Dan' },
    { id: 'erin', name: 'Erin' },
  ],
  assignments: [],
};

const family = (ready: ReadyFrame): MemberGroup | undefined => ready.groups?.find((group) => group.id === FAMILY);

describe('a group written while its members are connected', () => {
  test('the raffle drawn: each member gets a fresh READY with their giftee; a removed member loses the group; others hear nothing', async () => {
    await withRelay({}, async (harness) => {
      await harness.putGroup();
      await harness.putGroup(undrawn, FAMILY);
      const { client: bob, ready: bobFirst } = await harness.ready('bob');
      const { client: dan } = await harness.ready('dan');
      const { client: erin } = await harness.ready('erin');
      const { client: alice } = await harness.ready('alice');
      assert.equal(family(bobFirst)?.drawn, false);

      // Drawn, and erin left the group: dan -> bob -> fay -> dan.
      const drawn = {
        ...undrawn,
        members: [{ id: 'bob', name: 'Bob' }, { id: 'dan', name: 'Dan' }, { id: 'fay', name: 'Fay' }],
        assignments: [
          { santa: 'dan', giftee: 'bob' },
          { santa: 'bob', giftee: 'fay' },
          { santa: 'fay', giftee: 'dan' },
        ],
      };
      assert.equal(await harness.putGroup(drawn, FAMILY), 200);

      const bobNext = await bob.next('READY');
      assert.deepEqual(family(bobNext), {
        id: FAMILY,
        name: 'Family',
        revealAt: family(bobFirst)?.revealAt,
        drawn: true,
        giftee: { id: 'fay', name: 'Fay' },
        hasSanta: true,
      });
      assert.ok(bobNext.groups?.some((group) => group.id === 'office'), 'his other groups stay');
      assert.deepEqual(family(await dan.next('READY'))?.giftee, { id: 'bob', name: 'Bob' });
      const erinNext = await erin.next('READY');
      assert.equal(family(erinNext), undefined, 'erin is no longer a member');

      await Promise.all([alice, bob].map((client) => pingPong(client)));
      assert.equal(alice.all('READY').length, 1, 'alice is in no changed group');
      assert.equal(bob.all('READY').length, 2, 'one fresh READY per write');
      const bobBytes = bob.raw.join('\n');
      assert.ok(!bobBytes.includes('"dan"') && !bobBytes.includes('Dan'), "bob's frames never name his santa, dan");
    });
  });

  test('the group erased: its members get a READY without it and without its conversations', async () => {
    await withRelay({}, async (harness) => {
      const conversationId = await harness.aliceBob();
      const { client: alice } = await harness.ready('alice');
      const { client: bob, ready: bobFirst } = await harness.ready('bob');
      assert.ok(bobFirst.groups?.some((group) => group.id === 'office'));

      const response = await fetch(`${harness.relay.url}/admin/groups/office`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      assert.equal(response.status, 200);
      for (const client of [alice, bob]) {
        const ready = await client.next('READY');
        assert.deepEqual(ready.groups, []);
        assert.equal(ready.conversations.some((conversation) => conversation.id === conversationId), false);
      }
    });
  });
});
