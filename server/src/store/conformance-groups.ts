import assert from 'node:assert/strict';
import { it } from 'node:test';
import { groupWrite, idsOf, members, openPair, send, withStore, type OpenStore } from './conformance-fixtures.js';

export function groupCases(openStore: OpenStore): void {
  it('putGroup creates, then replaces, and says which', async () => {
    await withStore(openStore, async (store) => {
      assert.equal(await store.getGroup('g1'), null);

      const first = await store.putGroup('g1', groupWrite(), 100);
      assert.equal(first.created, true);
      assert.deepEqual(first.closed, []);
      assert.deepEqual(first.group, {
        id: 'g1',
        name: 'Office 2026',
        revealAt: groupWrite().revealAt,
        revealedAt: null,
        members,
        assignments: groupWrite().assignments,
        createdAt: 100,
        updatedAt: 100,
      });
      assert.deepEqual(await store.getGroup('g1'), first.group);

      const reordered = [
        { id: 'd', name: 'Dan' },
        { id: 'b', name: 'Robert' },
        { id: 'a', name: 'Alice' },
      ];
      const assignments = [
        { santa: 'd', giftee: 'a' },
        { santa: 'b', giftee: 'd' },
        { santa: 'a', giftee: 'b' },
      ];
      const second = await store.putGroup('g1', groupWrite({ name: 'Renamed', members: reordered, assignments }), 200);
      assert.equal(second.created, false);
      assert.equal(second.group.name, 'Renamed');
      assert.deepEqual(second.group.members, reordered);
      assert.deepEqual(second.group.assignments, assignments);
      assert.equal(second.group.createdAt, 100);
      assert.equal(second.group.updatedAt, 200);
      assert.deepEqual(await store.getGroup('g1'), second.group);

      const emptied = await store.putGroup('g1', groupWrite({ assignments: [] }), 300);
      assert.deepEqual(emptied.group.assignments, []);
      assert.deepEqual((await store.getGroup('g1'))?.assignments, []);
    });
  });

  it('latches the reveal once revealAt has passed, even if a later PUT moves it forward', async () => {
    await withStore(openStore, async (store) => {
      const put = async (revealAt: number, now: number) =>
        (await store.putGroup('g1', groupWrite({ revealAt }), now)).group.revealedAt;

      // A new group is revealed by the clock alone; there is nothing to latch yet.
      assert.equal(await put(50, 100), null);
      assert.equal(await put(5000, 100), 50, 'revealAt 50 had passed at 100');

      await store.putGroup('g2', groupWrite({ revealAt: 1000 }), 100);
      assert.equal((await store.putGroup('g2', groupWrite({ revealAt: 5000 }), 500)).group.revealedAt, null);
      assert.equal((await store.putGroup('g2', groupWrite({ revealAt: 800 }), 600)).group.revealedAt, null);
      assert.equal((await store.putGroup('g2', groupWrite({ revealAt: 9000 }), 800)).group.revealedAt, 800);
      assert.equal((await store.putGroup('g2', groupWrite({ revealAt: 100 }), 900)).group.revealedAt, 800);
      assert.equal((await store.putGroup('g2', groupWrite({ revealAt: 20000 }), 1000)).group.revealedAt, 800);
      assert.equal((await store.getGroup('g2'))?.revealedAt, 800);
    });
  });

  it('listRevealSchedule lists every group with its reveal times', async () => {
    await withStore(openStore, async (store) => {
      assert.deepEqual(await store.listRevealSchedule(), []);
      await store.putGroup('g1', groupWrite({ revealAt: 1000 }), 100);
      await store.putGroup('g1', groupWrite({ revealAt: 3000 }), 2000);
      await store.putGroup('g2', groupWrite({ revealAt: 7000 }), 100);
      const schedule = (await store.listRevealSchedule()).sort((left, right) =>
        left.groupId.localeCompare(right.groupId),
      );
      assert.deepEqual(schedule, [
        { groupId: 'g1', revealAt: 3000, revealedAt: 1000 },
        { groupId: 'g2', revealAt: 7000, revealedAt: null },
      ]);
    });
  });

  it('deleteGroup erases the group, its conversations, messages and cursors', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite(), 100);
      await store.putGroup('g2', groupWrite({ name: 'Family' }), 100);
      const aliceToBob = await openPair(store, 'g1', 'a', 'b', 200);
      const cleoToDan = await openPair(store, 'g1', 'c', 'd', 200);
      const bobToCleo = await openPair(store, 'g1', 'b', 'c', 200);
      await send(store, aliceToBob.conversation.id, 'a', 'a secret wish', 300, 'client-1');
      await send(store, bobToCleo.conversation.id, 'b', 'to be closed', 300);
      await store.markRead(aliceToBob.conversation.id, 'b', 1);
      // Closed by a re-draw before the delete: erased too, but not reported as open.
      await store.putGroup('g1', groupWrite({ assignments: [{ santa: 'a', giftee: 'b' }, { santa: 'c', giftee: 'd' }] }), 350);
      const otherGroup = await openPair(store, 'g2', 'a', 'b', 200);
      await send(store, otherGroup.conversation.id, 'a', 'kept', 300, 'client-2');

      const deleted = await store.deleteGroup('g1');
      assert.equal(deleted.deleted, true);
      assert.deepEqual(idsOf(deleted.closed), [aliceToBob.conversation.id, cleoToDan.conversation.id].sort());
      const reportedAliceToBob = deleted.closed.find((context) => context.conversation.id === aliceToBob.conversation.id);
      assert.deepEqual(reportedAliceToBob?.santa, { id: 'a', name: 'Alice' });
      assert.deepEqual(reportedAliceToBob?.giftee, { id: 'b', name: 'Bob' });
      assert.equal(reportedAliceToBob?.group.id, 'g1');

      assert.equal(await store.getGroup('g1'), null);
      for (const context of [aliceToBob, cleoToDan, bobToCleo]) {
        const id = context.conversation.id;
        assert.equal(await store.getConversation(id), null);
        assert.equal(await store.getConversationOverview(id, 'a'), null);
        assert.deepEqual(await store.listMessages(id, { limit: 50 }), { messages: [], hasMore: false });
        assert.deepEqual(await store.markRead(id, 'b', 5), { upTo: 0, moved: false });
        assert.deepEqual(await store.appendMessage({ conversationId: id, senderId: 'a', content: 'x', clientId: null, now: 400 }), {
          kind: 'closed',
        });
      }
      assert.deepEqual(
        (await store.listConversations('a')).map((overview) => overview.conversation.id),
        [otherGroup.conversation.id],
      );
      assert.deepEqual(
        (await store.listRevealSchedule()).map((entry) => entry.groupId),
        ['g2'],
      );
      assert.equal((await store.listMessages(otherGroup.conversation.id, { limit: 50 })).messages.length, 1);

      // The erased message's clientId is free again for its sender.
      const reused = await store.appendMessage({
        conversationId: otherGroup.conversation.id,
        senderId: 'a',
        content: 'new life',
        clientId: 'client-1',
        now: 500,
      });
      assert.equal(reused.kind, 'stored');

      assert.deepEqual(await store.deleteGroup('g1'), { deleted: false, closed: [] });
      assert.deepEqual(await store.deleteGroup('never'), { deleted: false, closed: [] });
      assert.equal((await store.putGroup('g1', groupWrite(), 600)).created, true);
      assert.equal(await store.getConversation(aliceToBob.conversation.id), null);
    });
  });

  it('ping resolves and close is idempotent', async () => {
    await withStore(openStore, async (store) => {
      await store.ping();
      await store.close();
      await store.close();
    });
  });
}
