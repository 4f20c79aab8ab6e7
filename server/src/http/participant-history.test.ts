/**
 * `GET /conversations/:id/messages` (docs/protocol.md §2) through `app.request()`: the newest
 * page by default, `after` and `before` paging, `limit` 50 by default and at most 200,
 * `hasMore` at both edges, and 403 for anything not the caller's. 205 messages are sent
 * through the service first, the path a socket's NEW_MESSAGE takes (sockets/dispatch.ts).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ConversationResponse, HistoryResponse, Message } from '../../../protocol/index.js';
import { asParticipant, assertError } from '../../../test/helpers/http.js';
import { threeGroup } from '../../../test/helpers/relay.js';
import { createTestApp, type TestApp } from '../app.test-support.js';

const MESSAGE_COUNT = 205;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** [from, from + 1, ..., to] */
const seqs = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('GET /conversations/:id/messages', () => {
  let relay: TestApp;
  let conversationId: string;
  let alias: string;
  const as = (userId: string) => asParticipant(relay.url, relay.token(userId));
  const page = (userId: string, query = '') => as(userId).get<HistoryResponse>(`/conversations/${conversationId}/messages${query}`);

  function assertPage(result: Awaited<ReturnType<typeof page>>, expectedSeqs: number[], hasMore: boolean): void {
    assert.equal(result.status, 200, result.text);
    assert.equal(result.body.success, true);
    assert.deepEqual(
      result.body.messages.map((message) => message.seq),
      expectedSeqs,
    );
    assert.deepEqual(
      result.body.messages.map((message) => message.content),
      expectedSeqs.map((seq) => `message ${seq}`),
    );
    assert.equal(result.body.hasMore, hasMore);
  }

  before(async () => {
    relay = await createTestApp({ limits: { httpRequestsPerMinute: 10_000, rateMessages: 10_000 } });
    assert.equal((await relay.putGroup('office', threeGroup())).status, 201);
    conversationId = (await as('alice').post<ConversationResponse>('/groups/office/conversation')).body.conversation.id;
    alias = (await as('bob').post<ConversationResponse>('/groups/office/conversation', { with: 'santa' })).body.conversation.peer.id;
    for (let seq = 1; seq <= MESSAGE_COUNT; seq += 1) {
      await relay.service.send('alice', conversationId, `message ${seq}`, randomUUID());
    }
  });
  after(() => relay.stop());

  it('is the newest page of 50, oldest first, with hasMore, when no parameter is given', async () => {
    assertPage(await page('bob'), seqs(156, 205), true);
  });

  it('renders each message for the viewer: the giftee sees the alias as sender, the santa their own id', async () => {
    const gifteeView = await page('bob', '?limit=3');
    const santaView = await page('alice', '?limit=3');
    assert.deepEqual(santaView.body.messages.map((message) => message.id), gifteeView.body.messages.map((message) => message.id));
    for (const [view, senderId] of [
      [gifteeView, alias],
      [santaView, 'alice'],
    ] as const) {
      for (const message of view.body.messages) {
        assert.deepEqual(Object.keys(message).sort(), ['content', 'conversationId', 'id', 'senderId', 'seq', 'timestamp']);
        assert.equal(message.conversationId, conversationId);
        assert.equal(message.senderId, senderId);
        assert.match(message.timestamp, ISO_UTC);
      }
    }
    assert.ok(!gifteeView.text.includes('"alice"'), gifteeView.text);
  });

  it('takes `limit` up to 200', async () => {
    assertPage(await page('bob', '?limit=200'), seqs(6, 205), true);
    assertPage(await page('bob', '?limit=1'), [205], true);
  });

  it('refuses a `limit` over 200, under 1 or not a number with 400 naming limit', async () => {
    for (const limit of ['201', '0', '-1', '1.5', 'ten', '']) {
      assertError(await page('bob', `?limit=${limit}`), 400, 'BAD_REQUEST', 'limit');
    }
  });

  it('pages forward with `after`: hasMore tells whether newer messages remain', async () => {
    assertPage(await page('bob', '?after=0&limit=5'), seqs(1, 5), true);
    assertPage(await page('bob', '?after=150'), seqs(151, 200), true);
    assertPage(await page('bob', '?after=155'), seqs(156, 205), false);
    assertPage(await page('bob', '?after=200'), seqs(201, 205), false);
    assertPage(await page('bob', '?after=205'), [], false);
    assertPage(await page('bob', '?after=9999'), [], false);
  });

  it('pages backward with `before`: hasMore tells whether older messages remain', async () => {
    assertPage(await page('bob', '?before=100&limit=10'), seqs(90, 99), true);
    assertPage(await page('bob', '?before=7&limit=5'), seqs(2, 6), true);
    assertPage(await page('bob', '?before=6&limit=5'), seqs(1, 5), false);
    assertPage(await page('bob', '?before=6'), seqs(1, 5), false);
    assertPage(await page('bob', '?before=1'), [], false);
    assertPage(await page('bob', '?before=1000'), seqs(156, 205), true);
  });

  it('walks the whole history with `after`, every seq exactly once and without gaps', async () => {
    const seen: Message[] = [];
    let cursor = 0;
    for (let pages = 0; pages < 10; pages += 1) {
      const result = await page('alice', `?after=${cursor}&limit=200`);
      seen.push(...result.body.messages);
      cursor = result.body.messages.at(-1)?.seq ?? cursor;
      if (!result.body.hasMore) break;
    }
    assert.deepEqual(
      seen.map((message) => message.seq),
      seqs(1, MESSAGE_COUNT),
    );
    assert.equal(new Set(seen.map((message) => message.id)).size, MESSAGE_COUNT);
  });

  it('refuses `after` together with `before`, and either one not a non-negative integer, with 400 naming it', async () => {
    assertError(await page('bob', '?after=1&before=10'), 400, 'BAD_REQUEST', 'before');
    for (const value of ['-1', '1.5', 'abc', '', '1e3']) {
      assertError(await page('bob', `?after=${value}`), 400, 'BAD_REQUEST', 'after');
      assertError(await page('bob', `?before=${value}`), 400, 'BAD_REQUEST', 'before');
    }
  });

  it('is an empty page without hasMore for a conversation with no messages', async () => {
    const empty = (await as('bob').post<ConversationResponse>('/groups/office/conversation')).body.conversation.id;
    const result = await as('cleo').get<HistoryResponse>(`/conversations/${empty}/messages`);
    assert.equal(result.status, 200, result.text);
    assert.deepEqual(result.body, { success: true, messages: [], hasMore: false });
  });

  it('is 403 FORBIDDEN, with the same body, for a conversation of others and for an unknown id', async () => {
    const ofOthers = await as('cleo').get(`/conversations/${conversationId}/messages`);
    const unknown = await as('cleo').get('/conversations/c_AAAAAAAAAAAAAAAA/messages');
    const outsider = await as('zoe').get(`/conversations/${conversationId}/messages?after=0`);
    assertError(ofOthers, 403, 'FORBIDDEN');
    assertError(unknown, 403, 'FORBIDDEN');
    assertError(outsider, 403, 'FORBIDDEN');
    assert.deepEqual(unknown.body, ofOthers.body);
    assert.deepEqual(outsider.body, ofOthers.body);
    assert.ok(!ofOthers.text.includes('message 1'));
  });

  it('stores and serves the normalized content', async () => {
    const stored = await relay.service.send('alice', conversationId, '  \r\nline one\r\nline two\rthree \u{1F385}  ', randomUUID());
    const timestamp = new Date(stored.createdAt).toISOString();
    const result = await page('bob', `?after=${stored.seq - 1}`);
    assert.deepEqual(result.body.messages, [
      { id: stored.id, conversationId, seq: MESSAGE_COUNT + 1, senderId: alias, content: 'line one\nline two\nthree \u{1F385}', timestamp },
    ]);
  });
});
