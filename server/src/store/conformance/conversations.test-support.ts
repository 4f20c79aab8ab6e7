import assert from 'node:assert/strict';
import { it } from 'node:test';
import { groupWrite, idsOf, members, openPair, send, withStore, type OpenStore } from './fixtures.test-support.js';

export function conversationCases(openStore: OpenStore): void {
  it('openConversation creates the conversation of an assignment once, then returns it', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite({ revealAt: 9000 }), 100);
      const first = await store.openConversation('g1', 'a', 'b', 200);
      assert.ok(first);
      assert.equal(first.created, true);
      const { conversation } = first.context;
      assert.match(conversation.id, /^c_[A-Za-z0-9_-]{24}$/);
      assert.match(conversation.alias, /^s_[A-Za-z0-9_-]{22}$/);
      assert.deepEqual(first.context, {
        conversation: {
          id: conversation.id,
          groupId: 'g1',
          santaId: 'a',
          gifteeId: 'b',
          alias: conversation.alias,
          createdAt: 200,
          closedAt: null,
          lastSeq: 0,
          revealedAt: null,
        },
        group: { id: 'g1', name: 'Office 2026', revealAt: 9000 },
        santa: { id: 'a', name: 'Alice' },
        giftee: { id: 'b', name: 'Bob' },
      });

      const again = await store.openConversation('g1', 'a', 'b', 300);
      assert.deepEqual(again, { context: first.context, created: false });
      assert.deepEqual(await store.getConversation(conversation.id), first.context);

      const [left, right] = await Promise.all([
        store.openConversation('g1', 'b', 'c', 400),
        store.openConversation('g1', 'b', 'c', 400),
      ]);
      assert.equal(left?.context.conversation.id, right?.context.conversation.id);
      assert.deepEqual([left?.created, right?.created].sort(), [false, true]);
      assert.notEqual(left?.context.conversation.alias, conversation.alias);
    });
  });

  it('conversation ids sort by their createdAt, not by when the store made them (decision 0024)', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite(), 100);
      const later = await openPair(store, 'g1', 'a', 'b', 1_796_000_000_000);
      const earlier = await openPair(store, 'g1', 'b', 'c', 1_795_999_999_999);
      const same = await openPair(store, 'g1', 'c', 'd', 1_796_000_000_000);
      assert.ok(earlier.conversation.id < later.conversation.id);
      assert.ok(earlier.conversation.id < same.conversation.id);
      assert.equal(same.conversation.id.slice(0, 10), later.conversation.id.slice(0, 10));
    });
  });

  it('getConversation is current after every write: appends, renames, a new reveal date, a re-draw, erasure', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite(), 100);
      const { conversation } = await openPair(store, 'g1', 'a', 'b', 200);
      const read = async () => {
        const context = await store.getConversation(conversation.id);
        assert.ok(context);
        return context;
      };
      const before = await read();
      assert.equal(before.conversation.lastSeq, 0);
      // Callers only read a context (the SQLite store hands out its cached one, not a copy).
      await Promise.all([send(store, conversation.id, 'a', 'one', 300), send(store, conversation.id, 'b', 'two', 300)]);
      assert.equal((await read()).conversation.lastSeq, 2);

      const renamed = members.map((member) => (member.id === 'a' ? { ...member, name: 'Alicia' } : member));
      await store.putGroup('g1', groupWrite({ name: 'Renamed', revealAt: 5000, members: renamed }), 400);
      const after = await read();
      assert.equal(after.santa.name, 'Alicia');
      assert.equal(before.santa.name, 'Alice', 'a context read before a group write is not changed by it');
      assert.deepEqual(after.group, { id: 'g1', name: 'Renamed', revealAt: 5000 });
      assert.equal(after.conversation.closedAt, null);

      await store.putGroup('g1', groupWrite({ members: renamed, assignments: [] }), 500);
      assert.equal((await read()).conversation.closedAt, 500);

      await store.deleteGroup('g1');
      assert.equal(await store.getConversation(conversation.id), null);
    });
  });

  it('a group write among concurrent appends: seq stays gapless and the context is current afterwards', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite(), 100);
      const kept = (await openPair(store, 'g1', 'a', 'b', 100)).conversation.id;
      const redrawn = (await openPair(store, 'g1', 'b', 'c', 100)).conversation.id;
      const wave = (from: number) =>
        Array.from({ length: 40 }, (_, offset) => from + offset).flatMap((index) => [
          store.appendMessage({ conversationId: kept, senderId: 'a', content: `kept ${index}`, clientId: `k${index}`, now: 200 + index }),
          store.appendMessage({ conversationId: redrawn, senderId: 'b', content: `gone ${index}`, clientId: `r${index}`, now: 200 + index }),
        ]);
      const first = wave(1);
      // Let the first wave start committing, so the group write lands between it and the second.
      await new Promise((resolve) => setImmediate(resolve));
      const renamed = members.map((member) => (member.id === 'a' ? { ...member, name: 'Alicia' } : member));
      const assignments = [
        { santa: 'a', giftee: 'b' },
        { santa: 'b', giftee: 'a' },
        { santa: 'c', giftee: 'd' },
        { santa: 'd', giftee: 'c' },
      ];
      const put = store.putGroup('g1', groupWrite({ name: 'Renamed', members: renamed, assignments }), 300);
      // A read while the group write waits for its turn must not leave a stale context behind.
      const readWhileWaiting = store.getConversation(kept);
      const second = wave(41);
      const [results, putResult] = await Promise.all([Promise.all([...first, ...second]), put, readWhileWaiting]);

      assert.deepEqual(idsOf(putResult.closed), [redrawn]);
      const keptResults = results.filter((_, index) => index % 2 === 0);
      assert.deepEqual(new Set(keptResults.map((result) => result.kind)), new Set(['stored']));
      const keptContext = await store.getConversation(kept);
      assert.equal(keptContext?.conversation.lastSeq, 80);
      assert.equal(keptContext?.santa.name, 'Alicia');
      assert.equal(keptContext?.group.name, 'Renamed');
      assert.equal((await store.listMessages(kept, { after: 0, limit: 100 })).messages.length, 80);

      const redrawnResults = results.filter((_, index) => index % 2 === 1);
      const storedSeqs = redrawnResults.flatMap((result) => (result.kind === 'stored' ? [result.message.seq] : []));
      const storedCount = storedSeqs.length;
      assert.deepEqual(
        storedSeqs.sort((left, right) => left - right),
        Array.from({ length: storedCount }, (_, index) => index + 1),
      );
      assert.equal(redrawnResults.filter((result) => result.kind === 'closed').length, 80 - storedCount);
      const closedContext = await store.getConversation(redrawn);
      assert.equal(closedContext?.conversation.closedAt, 300);
      assert.equal(closedContext?.conversation.lastSeq, storedCount);
      assert.equal((await store.listMessages(redrawn, { after: 0, limit: 100 })).messages.length, storedCount);
      const late = await store.appendMessage({ conversationId: redrawn, senderId: 'b', content: 'late', clientId: null, now: 400 });
      assert.deepEqual(late, { kind: 'closed' });
    });
  });

  it('openConversation is null for anything that is not an assignment', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite(), 100);
      assert.equal(await store.openConversation('g1', 'b', 'a', 200), null, 'reversed pair');
      assert.equal(await store.openConversation('g1', 'a', 'c', 200), null);
      assert.equal(await store.openConversation('g1', 'a', 'zed', 200), null);
      assert.equal(await store.openConversation('nope', 'a', 'b', 200), null);
      await store.putGroup('g1', groupWrite({ assignments: [] }), 300);
      assert.equal(await store.openConversation('g1', 'a', 'b', 400), null, 'raffle not drawn yet');
      assert.equal(await store.getConversation('c_doesnotexist0000'), null);
      assert.equal(await store.getConversationOverview('c_doesnotexist0000', 'a'), null);
    });
  });

  it('a re-draw closes exactly the open conversations of vanished pairs; a pair drawn back gets a new one', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite(), 100);
      const aliceToBob = await openPair(store, 'g1', 'a', 'b', 200);
      const bobToCleo = await openPair(store, 'g1', 'b', 'c', 200);
      const cleoToDan = await openPair(store, 'g1', 'c', 'd', 200);
      await send(store, bobToCleo.conversation.id, 'b', 'before the re-draw', 250);

      const redraw = [
        { santa: 'a', giftee: 'b' },
        { santa: 'b', giftee: 'd' },
        { santa: 'd', giftee: 'c' },
        { santa: 'c', giftee: 'a' },
      ];
      const result = await store.putGroup('g1', groupWrite({ assignments: redraw }), 500);
      assert.equal(result.created, false);
      assert.deepEqual(idsOf(result.closed), [bobToCleo.conversation.id, cleoToDan.conversation.id].sort());
      for (const closed of result.closed) {
        assert.equal(closed.conversation.closedAt, 500);
        assert.equal(closed.group.id, 'g1');
      }
      const closedBobToCleo = result.closed.find((context) => context.conversation.id === bobToCleo.conversation.id);
      assert.deepEqual(closedBobToCleo?.santa, { id: 'b', name: 'Bob' });
      assert.deepEqual(closedBobToCleo?.giftee, { id: 'c', name: 'Cleo' });
      assert.equal(closedBobToCleo?.conversation.lastSeq, 1);
      assert.equal(closedBobToCleo?.conversation.alias, bobToCleo.conversation.alias);

      assert.equal((await store.getConversation(aliceToBob.conversation.id))?.conversation.closedAt, null);
      assert.equal((await store.getConversation(bobToCleo.conversation.id))?.conversation.closedAt, 500);
      assert.equal((await store.getConversationOverview(bobToCleo.conversation.id, 'c'))?.conversation.closedAt, 500);
      assert.deepEqual(await store.listConversations('c'), []);
      assert.deepEqual(
        (await store.listConversations('b')).map((overview) => overview.conversation.id),
        [aliceToBob.conversation.id],
      );
      assert.equal(await store.openConversation('g1', 'b', 'c', 600), null);
      const bobToDan = await openPair(store, 'g1', 'b', 'd', 600);

      const same = await store.putGroup('g1', groupWrite({ assignments: redraw }), 650);
      assert.deepEqual(same.closed, [], 'an unchanged raffle closes nothing');

      const back = await store.putGroup('g1', groupWrite(), 700);
      assert.deepEqual(idsOf(back.closed), [bobToDan.conversation.id], 'already closed ones are not reported again');
      const reopened = await store.openConversation('g1', 'b', 'c', 800);
      assert.equal(reopened?.created, true);
      assert.notEqual(reopened?.context.conversation.id, bobToCleo.conversation.id);
      assert.notEqual(reopened?.context.conversation.alias, bobToCleo.conversation.alias);
      assert.equal(reopened?.context.conversation.lastSeq, 0);
      assert.equal((await store.getConversation(bobToCleo.conversation.id))?.conversation.closedAt, 500);
    });
  });

  it('closed contexts name a removed member as before the write and a kept one as after', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite(), 100);
      const bobToCleo = await openPair(store, 'g1', 'b', 'c', 200);
      const cleoToDan = await openPair(store, 'g1', 'c', 'd', 200);
      const withoutDan = groupWrite({
        name: 'Office 2026 (redrawn)',
        members: [
          { id: 'a', name: 'Alice' },
          { id: 'b', name: 'Bob' },
          { id: 'c', name: 'Cleo Renamed' },
        ],
        assignments: [
          { santa: 'a', giftee: 'c' },
          { santa: 'c', giftee: 'b' },
          { santa: 'b', giftee: 'a' },
        ],
      });
      const result = await store.putGroup('g1', withoutDan, 300);
      const byId = new Map(result.closed.map((context) => [context.conversation.id, context]));
      assert.equal(byId.size, 2);
      assert.deepEqual(byId.get(bobToCleo.conversation.id)?.giftee, { id: 'c', name: 'Cleo Renamed' });
      assert.deepEqual(byId.get(cleoToDan.conversation.id)?.santa, { id: 'c', name: 'Cleo Renamed' });
      assert.deepEqual(byId.get(cleoToDan.conversation.id)?.giftee, { id: 'd', name: 'Dan' });
      assert.equal(byId.get(cleoToDan.conversation.id)?.group.name, 'Office 2026 (redrawn)');

      const later = await store.getConversation(cleoToDan.conversation.id);
      assert.equal(later?.giftee.id, 'd');
      assert.equal(later?.santa.name, 'Cleo Renamed');
    });
  });

  it('listGroupConversations lists the open conversations of one group only', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite(), 100);
      await store.putGroup('g2', groupWrite(), 100);
      const first = (await openPair(store, 'g1', 'a', 'b', 100)).conversation.id;
      const second = (await openPair(store, 'g1', 'b', 'c', 100)).conversation.id;
      await openPair(store, 'g2', 'a', 'b', 100);
      const listed = await store.listGroupConversations('g1');
      assert.deepEqual(listed.map((context) => context.conversation.id).sort(), [first, second].sort());
      await store.putGroup('g1', groupWrite({ assignments: [{ santa: 'b', giftee: 'c' }] }), 200);
      assert.deepEqual((await store.listGroupConversations('g1')).map((context) => context.conversation.id), [second]);
      assert.deepEqual(await store.listGroupConversations('missing'), []);
    });
  });

  it('listConversations lists the open conversations of a user, most recent activity first', async () => {
    await withStore(openStore, async (store) => {
      await store.putGroup('g1', groupWrite(), 100);
      assert.deepEqual(await store.listConversations('b'), []);
      const aliceToBob = await openPair(store, 'g1', 'a', 'b', 10);
      const bobToCleo = await openPair(store, 'g1', 'b', 'c', 20);
      await openPair(store, 'g1', 'c', 'd', 30);
      const idsFor = async (userId: string) =>
        (await store.listConversations(userId)).map((overview) => overview.conversation.id);

      assert.deepEqual(await idsFor('b'), [bobToCleo.conversation.id, aliceToBob.conversation.id]);
      await send(store, aliceToBob.conversation.id, 'a', 'hello', 40);
      assert.deepEqual(await idsFor('b'), [aliceToBob.conversation.id, bobToCleo.conversation.id]);
      assert.deepEqual(await idsFor('a'), [aliceToBob.conversation.id]);
      assert.deepEqual(await idsFor('zed'), []);

      const [listed] = await store.listConversations('a');
      assert.deepEqual(listed, await store.getConversationOverview(aliceToBob.conversation.id, 'a'));

      await store.putGroup('g2', groupWrite(), 100);
      const tiedLeft = await openPair(store, 'g2', 'a', 'b', 50);
      const tiedRight = await openPair(store, 'g2', 'd', 'a', 50);
      const tiedIds = [tiedLeft.conversation.id, tiedRight.conversation.id].sort();
      assert.deepEqual(await idsFor('a'), [...tiedIds, aliceToBob.conversation.id], 'ties ordered by id');
    });
  });
}
