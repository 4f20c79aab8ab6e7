import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cycle, farFuture, groupWrite, idsOf, members, openPair, send, withStore, type OpenStore } from './fixtures.test-support.js';

export function groupCases(openStore: OpenStore): void {
  it('putGroup creates, then replaces, and says which', async () => {
    await withStore(openStore, async (store) => {
      assert.equal(await store.getGroup('g1'), null);

      const first = await store.putGroup('g1', groupWrite(), 100);
      assert.equal(first.created, true);
      assert.deepEqual(first.closed, []);
      assert.deepEqual(first.memberIds, ['a', 'b', 'c', 'd'], 'whose groups changed: the new members');
      assert.deepEqual(first.group, {
        id: 'g1',
        name: 'Office 2026',
        revealAt: groupWrite().revealAt,
        revealSetAt: 100,
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

      assert.deepEqual(second.memberIds.sort(), ['a', 'b', 'c', 'd'], 'cleo left: the old and new members, each once');
      const emptied = await store.putGroup('g1', groupWrite({ assignments: [] }), 300);
      assert.deepEqual(emptied.group.assignments, []);
      assert.deepEqual((await store.getGroup('g1'))?.assignments, []);
    });
  });

  it('latches a pair once revealAt has passed while it exists, even if a later PUT moves the date', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite({ revealAt: 1000 }), 100);
      const aliceToBob = await openPair(store, 'g1', 'a', 'b', 200);
      const latchOf = async (conversationId: string) => (await store.getConversation(conversationId))?.conversation.revealedAt;
      assert.equal(await latchOf(aliceToBob.conversation.id), null, 'the clock decides until a write moves the date');

      // Moved later before it came: nothing latched.
      await store.putGroup('g1', groupWrite({ revealAt: 5000 }), 500);
      assert.equal(await latchOf(aliceToBob.conversation.id), null);
      // Moved later after it came: the pair keeps the instant it was revealed.
      const moved = await store.putGroup('g1', groupWrite({ revealAt: 9000 }), 6000);
      assert.equal(await latchOf(aliceToBob.conversation.id), 5000);
      assert.deepEqual(moved.revealed, [], 'nothing newly revealed');
      // A pair opened after the latch is revealed too: the latch is the pair's, not the conversation's.
      const bobToCleo = await openPair(store, 'g1', 'b', 'c', 6100);
      assert.equal(bobToCleo.conversation.revealedAt, 5000);
      assert.equal(await latchOf(bobToCleo.conversation.id), 5000);
      // Further writes keep the latch, whatever the date.
      await store.putGroup('g1', groupWrite({ revealAt: 100 }), 7000);
      await store.putGroup('g1', groupWrite({ revealAt: 20_000 }), 8000);
      assert.equal(await latchOf(aliceToBob.conversation.id), 5000);
    });
  });

  it('a re-draw after a reveal starts the new pairs hidden; kept pairs stay revealed; closed ones end as they were', async () => {
    await withStore(openStore, async (store) => {
      // Last year: revealed at 1000.
      await store.putGroup('g1', groupWrite({ revealAt: 1000 }), 100);
      const aliceToBob = await openPair(store, 'g1', 'a', 'b', 200);
      const cleoToDan = await openPair(store, 'g1', 'c', 'd', 200);
      // This year: a new raffle keeps c -> d, and a -> b becomes a -> c.
      const redraw = [
        { santa: 'a', giftee: 'c' },
        { santa: 'c', giftee: 'd' },
        { santa: 'd', giftee: 'b' },
        { santa: 'b', giftee: 'a' },
      ];
      const put = await store.putGroup('g1', groupWrite({ revealAt: 50_000, assignments: redraw }), 2000);
      assert.deepEqual(idsOf(put.closed), [aliceToBob.conversation.id]);
      assert.equal(put.closed[0]?.conversation.revealedAt, 1000, 'the closed pair ends as it was: revealed');
      assert.equal(put.closed[0]?.group.revealAt, 1000, 'under the date it knew');
      assert.deepEqual(put.revealed, []);

      const aliceToCleo = await openPair(store, 'g1', 'a', 'c', 2100);
      assert.equal(aliceToCleo.conversation.revealedAt, null, 'a new pair starts hidden');
      assert.equal(aliceToCleo.group.revealAt, 50_000);
      assert.equal((await store.getConversation(cleoToDan.conversation.id))?.conversation.revealedAt, 1000, 'kept pair');
      const overview = await store.getConversationOverview(aliceToCleo.conversation.id, 'c');
      assert.equal(overview?.conversation.revealedAt, null);
      assert.deepEqual(
        (await store.listConversations('c')).map((entry) => [entry.conversation.id, entry.conversation.revealedAt]).sort(),
        [
          [aliceToCleo.conversation.id, null],
          [cleoToDan.conversation.id, 1000],
        ].sort(),
      );
    });
  });

  it('a write that moves revealAt into the past reveals the open, hidden pairs it keeps, and only those', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite({ revealAt: 10_000 }), 100);
      const aliceToBob = await openPair(store, 'g1', 'a', 'b', 200);
      const bobToCleo = await openPair(store, 'g1', 'b', 'c', 200);
      const keep = cycle.filter((pair) => pair.santa !== 'b');
      const put = await store.putGroup('g1', groupWrite({ revealAt: 500, assignments: keep }), 1000);
      assert.deepEqual(idsOf(put.revealed), [aliceToBob.conversation.id]);
      assert.equal(put.revealed[0]?.group.revealAt, 500);
      assert.deepEqual(idsOf(put.closed), [bobToCleo.conversation.id]);
      assert.equal(put.closed[0]?.conversation.revealedAt, null, 'a pair closed by the write is never revealed by it');
      assert.equal(put.group.revealSetAt, 1000);
    });
  });

  it('nextRevealAfter and listRevealsDue read what the clock reveals from the index', async () => {
    await withStore(openStore, async (store) => {
      assert.equal(await store.nextRevealAfter(0), null);
      await store.putGroup('g1', groupWrite({ revealAt: 3000 }), 100);
      await store.putGroup('g2', groupWrite({ name: 'Family', revealAt: 7000 }), 100);
      // Set after its date: that write revealed it, the clock has nothing to announce.
      await store.putGroup('g3', groupWrite({ name: 'Past', revealAt: 1500 }), 2000);
      assert.equal(await store.nextRevealAfter(0), 1500);
      assert.equal(await store.nextRevealAfter(1500), 3000);
      assert.equal(await store.nextRevealAfter(3000), 7000);
      assert.equal(await store.nextRevealAfter(7000), null);

      const g1 = await openPair(store, 'g1', 'a', 'b', 200);
      const g2 = await openPair(store, 'g2', 'a', 'b', 200);
      await openPair(store, 'g3', 'a', 'b', 2100);
      assert.deepEqual(idsOf(await store.listRevealsDue(0, 2999)), []);
      assert.deepEqual(idsOf(await store.listRevealsDue(0, 3000)), [g1.conversation.id]);
      assert.deepEqual(idsOf(await store.listRevealsDue(3000, 8000)), [g2.conversation.id]);
      // Kept the date in a later write: still the clock's to announce.
      await store.putGroup('g2', groupWrite({ name: 'Family renamed', revealAt: 7000 }), 6000);
      assert.deepEqual(idsOf(await store.listRevealsDue(3000, 8000)), [g2.conversation.id]);
      // Closed conversations are not announced.
      await store.putGroup('g1', groupWrite({ revealAt: 3000, assignments: [] }), 2500);
      assert.deepEqual(idsOf(await store.listRevealsDue(0, 3000)), []);
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
      assert.deepEqual(deleted.memberIds.sort(), ['a', 'b', 'c', 'd']);
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
      assert.deepEqual(idsOf(await store.listRevealsDue(0, groupWrite().revealAt)), [otherGroup.conversation.id]);
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

      assert.deepEqual(await store.deleteGroup('g1'), { deleted: false, closed: [], memberIds: [] });
      assert.deepEqual(await store.deleteGroup('never'), { deleted: false, closed: [], memberIds: [] });
      assert.equal((await store.putGroup('g1', groupWrite(), 600)).created, true);
      assert.equal(await store.getConversation(aliceToBob.conversation.id), null);
    });
  });

  it('listMemberGroups: each group of a member, their giftee and only whether they have a santa', async () => {
    await withStore(openStore, async (store) => {
      assert.deepEqual(await store.listMemberGroups('b'), []);
      // g1: a -> b -> c -> d -> a. "Family": drawn without b. "Later": not drawn yet.
      await store.putGroup('g1', groupWrite({ revealAt: 9000 }), 100);
      await store.putGroup('family', groupWrite({ name: 'Family', assignments: [{ santa: 'c', giftee: 'd' }, { santa: 'd', giftee: 'c' }] }), 100);
      await store.putGroup('later', groupWrite({ name: 'Later', assignments: [] }), 100);
      await store.putGroup('other', groupWrite({ name: 'Other', members: [members[2]!, members[3]!], assignments: [] }), 100);
      const family = { id: 'family', name: 'Family', revealAt: farFuture };
      assert.deepEqual(await store.listMemberGroups('b'), [
        { group: family, drawn: true, giftee: null, hasSanta: false },
        { group: { id: 'later', name: 'Later', revealAt: farFuture }, drawn: false, giftee: null, hasSanta: false },
        { group: { id: 'g1', name: 'Office 2026', revealAt: 9000 }, drawn: true, giftee: { id: 'c', name: 'Cleo' }, hasSanta: true },
      ]);
      assert.deepEqual((await store.listMemberGroups('d')).find((entry) => entry.group.id === 'family'), {
        group: family,
        drawn: true,
        giftee: { id: 'c', name: 'Cleo' },
        hasSanta: true,
      });
      assert.deepEqual(await store.listMemberGroups('zed'), []);
      await store.deleteGroup('family');
      assert.deepEqual((await store.listMemberGroups('b')).map((entry) => entry.group.id), ['later', 'g1']);
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
