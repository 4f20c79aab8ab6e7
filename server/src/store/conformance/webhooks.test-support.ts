import assert from 'node:assert/strict';
import { it } from 'node:test';
import { groupWrite, openPair, send, withStore, type OpenStore } from './fixtures.test-support.js';
import type { Store, WebhookEventWrite } from '../store.js';

function event(id: string, groupId = 'g1', dueAt = 0): WebhookEventWrite {
  return { id, type: 'message.reported', groupId, payload: `{"id":"${id}"}`, dueAt, createdAt: dueAt };
}

async function aliceToBob(store: Store): Promise<string> {
  await store.putGroup('g1', groupWrite(), 100);
  return (await openPair(store, 'g1', 'a', 'b', 100)).conversation.id;
}

async function appendWithNotice(store: Store, conversationId: string, senderId: string, now: number, dueAt: number): Promise<number> {
  const result = await store.appendMessage({ conversationId, senderId, content: `at ${now}`, clientId: null, now, noticeDueAt: dueAt });
  assert.equal(result.kind, 'stored');
  return result.kind === 'stored' ? result.message.seq : 0;
}

/** Reports, unread notices and the webhook queue (docs/decisions/0017-webhook-queue.md). */
export function webhookCases(openStore: OpenStore): void {
  it('an append arms one notice for the reader per burst; reading everything re-arms it', async () => {
    await withStore(openStore, async (store) => {
      const conversationId = await aliceToBob(store);
      await appendWithNotice(store, conversationId, 'a', 1000, 2000);
      await appendWithNotice(store, conversationId, 'a', 1500, 2500);
      assert.deepEqual(await store.listUnreadNoticesDue(1999, 10), []);
      const [due, ...rest] = await store.listUnreadNoticesDue(2600, 10);
      assert.equal(rest.length, 0);
      assert.equal(due?.readerId, 'b');
      assert.equal(due?.dueAt, 2000, 'the first message of the burst set the time');
      assert.equal(due?.unread, 2);
      assert.equal(due?.firstUnreadAt, 1000);
      assert.equal(due?.latest?.content, 'at 1500');

      // Sent once, whoever asks twice.
      assert.deepEqual(await store.settleUnreadNotices([{ conversationId, readerId: 'b', event: event('e1') }], 2600), [true]);
      assert.deepEqual(await store.settleUnreadNotices([{ conversationId, readerId: 'b', event: event('e2') }], 2600), [false]);
      assert.deepEqual(await store.listUnreadNoticesDue(9999, 10), []);
      // Still armed (sent): another message makes no new notice until b has read.
      await appendWithNotice(store, conversationId, 'a', 3000, 4000);
      assert.deepEqual(await store.listUnreadNoticesDue(9999, 10), []);
      // b reads part of it: still armed. Then all: re-armed, the next message arms a new one.
      await store.markRead(conversationId, 'b', 2);
      await appendWithNotice(store, conversationId, 'a', 3100, 4100);
      assert.deepEqual(await store.listUnreadNoticesDue(9999, 10), []);
      await store.markRead(conversationId, 'b', 4);
      const seq = await appendWithNotice(store, conversationId, 'a', 5000, 6000);
      const [again] = await store.listUnreadNoticesDue(6000, 10);
      assert.equal(again?.unread, 1);
      assert.equal(again?.latest?.seq, seq);
      // b's own replies arm a's notice, not b's.
      await appendWithNotice(store, conversationId, 'b', 5100, 6100);
      assert.deepEqual((await store.listUnreadNoticesDue(7000, 10)).map((notice) => notice.readerId).sort(), ['a', 'b']);
      // A notice whose reader has read meanwhile is dropped.
      await store.markRead(conversationId, 'b', 5);
      assert.deepEqual((await store.listUnreadNoticesDue(7000, 10)).map((notice) => notice.readerId), ['a']);
      // Without noticeDueAt nothing is armed.
      await store.markRead(conversationId, 'a', 6);
      await send(store, conversationId, 'b', 'no notice', 8000);
      assert.deepEqual(await store.listUnreadNoticesDue(99_999, 10), []);
    });
  });

  it('claims each due event once, leases it, and records attempts only under the claim', async () => {
    await withStore(openStore, async (store) => {
      await aliceToBob(store);
      const conversationId = (await store.listGroupConversations('g1'))[0]!.conversation.id;
      const message = await send(store, conversationId, 'a', 'rude', 200);
      const report = { groupId: 'g1', conversationId, messageId: message.id, senderId: 'a', content: 'rude', reason: null, createdAt: 300 };
      for (const [index, reporterId] of ['b', 'c', 'd'].entries()) {
        await store.reportMessage({ ...report, id: `r${index}`, reporterId }, event(`e${index}`, 'g1', 1000 + index));
      }
      const again = await store.reportMessage({ ...report, id: 'r9', reporterId: 'b', reason: 'again' }, event('e9'));
      assert.equal(again.created, false);
      assert.equal(again.report.id, 'r0', 'the first report stands');
      assert.equal((await store.listReports('g1')).length, 3);
      assert.equal(await store.countPendingWebhookEvents(), 3);

      const [first, second] = await Promise.all([
        store.claimWebhookEvents(1001, 60_000, 10, 'one'),
        store.claimWebhookEvents(1001, 60_000, 10, 'two'),
      ]);
      const claimed = [...first!, ...second!].map((record) => record.id).sort();
      assert.deepEqual(claimed, ['e0', 'e1'], 'due ones, each to one claimer');
      assert.deepEqual(await store.claimWebhookEvents(1002, 60_000, 10, 'three'), [await only(store, 'e2')]);
      const holder = first!.some((record) => record.id === 'e0') ? 'one' : 'two';
      const other = holder === 'one' ? 'two' : 'one';
      const outcome = { status: 'pending' as const, lastStatus: '500', attemptedAt: 1100, nextAttemptAt: 1200, firstFailedAt: 1100 };
      await store.recordWebhookAttempt('e0', other, outcome);
      assert.equal((await store.listWebhookEvents('pending', 10)).find((record) => record.id === 'e0')?.attempts, 0, 'not its claim');
      await store.recordWebhookAttempt('e0', holder, outcome);
      assert.deepEqual(await store.claimWebhookEvents(1199, 60_000, 10, 'four'), []);
      const [retried] = await store.claimWebhookEvents(1200, 60_000, 10, 'four');
      assert.equal(retried?.attempts, 1);
      assert.equal(retried?.lastStatus, '500');
      assert.equal(retried?.firstFailedAt, 1100);
      await store.recordWebhookAttempt('e0', 'four', { ...outcome, status: 'delivered', lastStatus: '204', attemptedAt: 1300 });
      // e1's claimer vanished: after the lease, another claims it.
      assert.deepEqual(await store.claimWebhookEvents(61_000, 60_000, 10, 'five'), []);
      assert.deepEqual((await store.claimWebhookEvents(61_002, 60_000, 10, 'five')).map((record) => record.id).sort(), ['e1', 'e2']);
      const delivered = await store.listWebhookEvents('delivered', 10);
      assert.deepEqual(delivered.map((record) => [record.id, record.attempts, record.deliveredAt]), [['e0', 2, 1300]]);
      assert.equal(await store.countPendingWebhookEvents(), 2);

      await store.deleteGroup('g1');
      assert.equal(await store.countPendingWebhookEvents(), 0, 'erased with the group');
      assert.deepEqual(await store.listReports('g1'), []);
    });
  });

  it('schedules one group.revealed per reveal date, replacing an unattempted one', async () => {
    await withStore(openStore, async (store) => {
      const reveal = (revealAt: number) => ({ event: { ...event(`rev-${revealAt}`, 'g2', revealAt), type: 'group.revealed' as const }, dedupeKey: `g2 ${revealAt}` });
      await store.putGroup('g2', groupWrite({ revealAt: 5000 }), 100, reveal(5000));
      await store.putGroup('g2', groupWrite({ revealAt: 5000 }), 200, reveal(5000));
      assert.deepEqual((await store.listWebhookEvents('pending', 10)).map((record) => [record.id, record.nextAttemptAt]), [['rev-5000', 5000]]);
      await store.putGroup('g2', groupWrite({ revealAt: 7000 }), 300, reveal(7000));
      assert.deepEqual((await store.listWebhookEvents('pending', 10)).map((record) => record.id), ['rev-7000']);
      assert.deepEqual(await store.claimWebhookEvents(6999, 60_000, 10, 'x'), []);
      assert.deepEqual((await store.claimWebhookEvents(7000, 60_000, 10, 'x')).map((record) => record.id), ['rev-7000']);
    });
  });
}

async function only(store: Store, id: string) {
  const record = (await store.listWebhookEvents('pending', 10)).find((candidate) => candidate.id === id);
  assert.ok(record);
  return { ...record, nextAttemptAt: record.nextAttemptAt };
}
