/**
 * The participant API's conversations (docs/protocol.md §2) through `app.request()`: "Message
 * Match" with one's giftee or santa, the conversation list with roles, unread counts and
 * activity order, and what a re-draw closes. Messages and read cursors are made through the
 * service, the path a socket's NEW_MESSAGE and READ take (sockets/dispatch.ts).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Conversation, ConversationListResponse, ConversationResponse } from '../../../protocol/index.js';
import { asHost, asParticipant, assertError } from '../../../test/helpers/http.js';
import { threeGroup } from '../../../test/helpers/relay.js';
import { createTestApp, type TestApp } from '../app.test-support.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Long enough apart that "most recent activity first" cannot be decided by a tie. */
const ACTIVITY_GAP_MS = 25;

describe('participant conversations', () => {
  let relay: TestApp;
  const as = (userId: string) => asParticipant(relay.url, relay.token(userId));
  /** One message stored and fanned out, as a socket's NEW_MESSAGE does; with its wire timestamp. */
  async function sendMessage(userId: string, conversationId: string, content: string): Promise<{ id: string; timestamp: string }> {
    const message = await relay.service.send(userId, conversationId, content, randomUUID());
    return { id: message.id, timestamp: new Date(message.createdAt).toISOString() };
  }
  /** The user's whole view of the relay, for scanning what it must not contain. */
  async function everythingSeenBy(userId: string): Promise<string> {
    const list = await as(userId).get<ConversationListResponse>('/conversations');
    const histories = await Promise.all(
      list.body.conversations.map(async (conversation) => (await as(userId).get(`/conversations/${conversation.id}/messages`)).text),
    );
    return [list.text, ...histories].join('\n');
  }

  before(async () => {
    relay = await createTestApp({ limits: { httpRequestsPerMinute: 10_000, rateMessages: 10_000 } });
  });
  after(() => relay.stop());

  describe('POST /groups/:groupId/conversation', () => {
    let revealAt: string;

    before(async () => {
      const group = threeGroup();
      revealAt = new Date(group.revealAt).toISOString();
      assert.equal((await relay.putGroup('office', group)).status, 201);
      assert.equal((await relay.putGroup('undrawn', threeGroup({ assignments: [] }))).status, 201);
      assert.equal((await relay.putGroup('partial', threeGroup({ assignments: [{ santa: 'alice', giftee: 'bob' }] }))).status, 201);
      const others = { ...threeGroup(), members: [{ id: 'dan', name: 'Dan' }, { id: 'erin', name: 'Erin' }], assignments: [{ santa: 'dan', giftee: 'erin' }] };
      assert.equal((await relay.putGroup('others', others)).status, 201);
    });

    it('opens the conversation with one\'s giftee: 201 when created, then 200 with the same one', async () => {
      const before = Date.now();
      const created = await as('alice').post<ConversationResponse>('/groups/office/conversation', {});
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.success, true);
      const conversation = created.body.conversation;
      assert.equal(typeof conversation.id, 'string');
      assert.ok(conversation.id.length > 0);
      assert.match(conversation.createdAt, ISO_UTC);
      assert.ok(Math.abs(Date.parse(conversation.createdAt) - before) < 5_000);
      assert.deepEqual(conversation, {
        id: conversation.id,
        groupId: 'office',
        groupName: 'Office 2026',
        participants: ['alice', 'bob'],
        createdAt: conversation.createdAt,
        role: 'santa',
        self: { id: 'alice', name: 'Alice' },
        peer: { id: 'bob', name: 'Bob', anonymous: false },
        revealAt,
        revealed: false,
        unread: 0,
        lastMessage: null,
        closed: false,
        peerReadUpTo: 0,
      });

      const noBody = await as('alice').post<ConversationResponse>('/groups/office/conversation');
      const explicit = await as('alice').post<ConversationResponse>('/groups/office/conversation', { with: 'giftee' });
      for (const again of [noBody, explicit]) {
        assert.equal(again.status, 200, again.text);
        assert.deepEqual(again.body, created.body);
      }
    });

    it('gives the giftee the same conversation with their santa, who is an anonymous alias', async () => {
      const santaSide = await as('alice').post<ConversationResponse>('/groups/office/conversation');
      const gifteeSide = await as('bob').post<ConversationResponse>('/groups/office/conversation', { with: 'santa' });
      assert.equal(gifteeSide.status, 200, gifteeSide.text);
      const conversation = gifteeSide.body.conversation;
      const alias = conversation.peer.id;
      assert.equal(conversation.id, santaSide.body.conversation.id);
      assert.equal(conversation.role, 'giftee');
      assert.deepEqual(conversation.self, { id: 'bob', name: 'Bob' });
      assert.deepEqual(conversation.peer, { id: alias, name: 'Secret Santa', anonymous: true });
      assert.deepEqual(conversation.participants, [alias, 'bob']);
      assert.notEqual(alias, 'alice');
      assert.ok(!gifteeSide.text.includes('"alice"') && !gifteeSide.text.includes('Alice'), gifteeSide.text);

      const again = await as('bob').post<ConversationResponse>('/groups/office/conversation', { with: 'santa' });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, gifteeSide.body, 'the alias is stable for the conversation');
    });

    it('lets the giftee create it first (201); the santa then gets the same one (200)', async () => {
      const gifteeSide = await as('cleo').post<ConversationResponse>('/groups/office/conversation', { with: 'santa' });
      assert.equal(gifteeSide.status, 201, gifteeSide.text);
      assert.equal(gifteeSide.body.conversation.role, 'giftee');
      assert.deepEqual(gifteeSide.body.conversation.participants, [gifteeSide.body.conversation.peer.id, 'cleo']);
      assert.ok(!gifteeSide.text.includes('"bob"') && !gifteeSide.text.includes('Bob'), gifteeSide.text);

      const santaSide = await as('bob').post<ConversationResponse>('/groups/office/conversation', {});
      assert.equal(santaSide.status, 200, santaSide.text);
      assert.equal(santaSide.body.conversation.id, gifteeSide.body.conversation.id);
      assert.equal(santaSide.body.conversation.createdAt, gifteeSide.body.conversation.createdAt);
      assert.deepEqual(santaSide.body.conversation.participants, ['bob', 'cleo']);
      assert.deepEqual(santaSide.body.conversation.peer, { id: 'cleo', name: 'Cleo', anonymous: false });
    });

    it('is 409 NO_MATCH while the raffle has not given the caller a giftee or a santa', async () => {
      for (const body of [{}, { with: 'giftee' }, { with: 'santa' }]) {
        assertError(await as('alice').post('/groups/undrawn/conversation', body), 409, 'NO_MATCH');
      }
      assertError(await as('cleo').post('/groups/partial/conversation', {}), 409, 'NO_MATCH');
      assertError(await as('alice').post('/groups/partial/conversation', { with: 'santa' }), 409, 'NO_MATCH');
      assertError(await as('bob').post('/groups/partial/conversation', { with: 'giftee' }), 409, 'NO_MATCH');
      assert.equal((await as('bob').post('/groups/partial/conversation', { with: 'santa' })).status, 201);
    });

    it('is 403 FORBIDDEN, with the same body, for a group the caller is not in and one that does not exist', async () => {
      const notMember = await as('alice').post('/groups/others/conversation', {});
      const missing = await as('alice').post('/groups/no-such-group/conversation', {});
      const stranger = await as('zoe').post('/groups/office/conversation', { with: 'santa' });
      assertError(notMember, 403, 'FORBIDDEN');
      assertError(missing, 403, 'FORBIDDEN');
      assertError(stranger, 403, 'FORBIDDEN');
      assert.deepEqual(missing.body, notMember.body);
      assert.deepEqual(stranger.body, notMember.body);
    });

    it('is 400 BAD_REQUEST naming `with` for anything but "giftee" or "santa"', async () => {
      for (const value of ['friend', 'Santa', '', null, 1, ['santa']]) {
        assertError(await as('alice').post('/groups/office/conversation', { with: value }), 400, 'BAD_REQUEST', 'with');
      }
    });

    it('is 400 BAD_REQUEST for a body that is not JSON or not an object, and for a group id over 128 characters', async () => {
      assertError(await as('alice').post('/groups/office/conversation', '{"with":'), 400, 'BAD_REQUEST');
      assertError(await as('alice').post('/groups/office/conversation', '["santa"]'), 400, 'BAD_REQUEST');
      assertError(await as('alice').post('/groups/office/conversation', '"santa"'), 400, 'BAD_REQUEST');
      assertError(await as('alice').post(`/groups/${'g'.repeat(129)}/conversation`, {}), 400, 'BAD_REQUEST', 'groupId');
    });
  });

  describe('GET /conversations', () => {
    let aliceToBob: Conversation;
    let cleoToAlice: Conversation;

    before(async () => {
      assert.equal((await relay.putGroup('listing', threeGroup({ name: 'List party' }))).status, 201);
      aliceToBob = (await as('alice').post<ConversationResponse>('/groups/listing/conversation')).body.conversation;
      cleoToAlice = (await as('alice').post<ConversationResponse>('/groups/listing/conversation', { with: 'santa' })).body.conversation;
    });

    it('is an empty list for a user in no conversation', async () => {
      const list = await as('nobody').get('/conversations');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body, { success: true, conversations: [], unreadTotal: 0 });
    });

    it('lists each conversation with role, self, peer, unread, lastMessage and reveal state, newest activity first', async () => {
      await sendMessage('cleo', cleoToAlice.id, 'Hi from your santa');
      await sleep(ACTIVITY_GAP_MS);
      const second = await sendMessage('cleo', cleoToAlice.id, '  second\r\nline  ');
      await sleep(ACTIVITY_GAP_MS);
      const toBob = await sendMessage('alice', aliceToBob.id, 'Hello Bob');

      const aliceList = await as('alice').get<ConversationListResponse>('/conversations');
      assert.equal(aliceList.status, 200);
      const listed = aliceList.body.conversations.filter((conversation) => conversation.groupId === 'listing');
      assert.deepEqual(
        listed.map((conversation) => conversation.id),
        [aliceToBob.id, cleoToAlice.id],
      );
      const [asSanta, asGiftee] = listed as [Conversation, Conversation];
      assert.deepEqual(asSanta, {
        ...aliceToBob,
        unread: 0,
        lastMessage: {
          id: toBob.id,
          conversationId: aliceToBob.id,
          seq: 1,
          senderId: 'alice',
          content: 'Hello Bob',
          timestamp: toBob.timestamp,
        },
      });
      assert.equal(asSanta.groupName, 'List party');
      assert.equal(asSanta.revealed, false);
      assert.equal(asSanta.closed, false);
      const alias = cleoToAlice.peer.id;
      assert.deepEqual(asGiftee, {
        ...cleoToAlice,
        unread: 2,
        lastMessage: {
          id: second.id,
          conversationId: cleoToAlice.id,
          seq: 2,
          senderId: alias,
          content: 'second\nline',
          timestamp: second.timestamp,
        },
      });
      assert.deepEqual(asGiftee.peer, { id: alias, name: 'Secret Santa', anonymous: true });
      assert.equal(asGiftee.role, 'giftee');
      assert.equal(aliceList.body.unreadTotal, 2);

      const bobList = await as('bob').get<ConversationListResponse>('/conversations');
      const bobView = bobList.body.conversations.find((conversation) => conversation.id === aliceToBob.id);
      assert.ok(bobView, bobList.text);
      assert.equal(bobView.role, 'giftee');
      assert.equal(bobView.unread, 1);
      assert.equal(bobView.lastMessage?.content, 'Hello Bob');
      assert.equal(bobView.lastMessage?.senderId, bobView.peer.id);
      assert.equal(bobView.peer.anonymous, true);
      assert.notEqual(bobView.peer.id, alias, 'each conversation has its own alias');

      const cleoList = await as('cleo').get<ConversationListResponse>('/conversations');
      const cleoView = cleoList.body.conversations.find((conversation) => conversation.id === cleoToAlice.id);
      assert.ok(cleoView, cleoList.text);
      assert.equal(cleoView.role, 'santa');
      assert.equal(cleoView.unread, 0, 'one\'s own messages are never unread');
      assert.equal(cleoView.lastMessage?.senderId, 'cleo');
      assert.deepEqual(cleoView.peer, { id: 'alice', name: 'Alice', anonymous: false });
    });

    it('never shows a giftee their santa\'s id or name', async () => {
      const seen = await everythingSeenBy('alice');
      assert.ok(seen.includes('Hi from your santa'), 'the scan covers the santa\'s messages');
      assert.ok(!seen.includes('"cleo"') && !seen.includes('Cleo'), seen);
    });

    it('moves unread with the read cursor and reorders on new activity', async () => {
      assert.equal(await relay.service.markRead('alice', cleoToAlice.id, 1), 1);
      const afterRead = await as('alice').get<ConversationListResponse>('/conversations');
      assert.equal(afterRead.body.conversations.find((conversation) => conversation.id === cleoToAlice.id)?.unread, 1);
      assert.equal(afterRead.body.unreadTotal, 1);

      await sleep(ACTIVITY_GAP_MS);
      await sendMessage('cleo', cleoToAlice.id, 'Any wishes?');
      const afterMessage = await as('alice').get<ConversationListResponse>('/conversations');
      assert.deepEqual(
        afterMessage.body.conversations.filter((conversation) => conversation.groupId === 'listing').map((conversation) => conversation.id),
        [cleoToAlice.id, aliceToBob.id],
      );
      assert.equal(afterMessage.body.conversations[0]?.unread, 2);
      assert.equal(afterMessage.body.unreadTotal, 2);

      assert.equal(await relay.service.markRead('alice', cleoToAlice.id, 3), 3);
      const allRead = await as('alice').get<ConversationListResponse>('/conversations');
      assert.equal(allRead.body.unreadTotal, 0);
      assert.ok(allRead.body.conversations.every((conversation) => conversation.unread === 0));
    });
  });

  describe('after revealAt', () => {
    const trio = (revealAt: number) => ({
      name: 'Revealed',
      revealAt: new Date(revealAt).toISOString(),
      members: [
        { id: 'rita', name: 'Rita' },
        { id: 'sam', name: 'Sam' },
        { id: 'tom', name: 'Tom' },
      ],
      assignments: [
        { santa: 'rita', giftee: 'sam' },
        { santa: 'sam', giftee: 'tom' },
        { santa: 'tom', giftee: 'rita' },
      ],
    });

    it('shows the giftee their santa\'s real id and name, and a later PUT does not hide them again', async () => {
      assert.equal((await relay.putGroup('revealed', trio(Date.now() - 60_000))).status, 201);
      const expected = { revealed: true, peer: { id: 'tom', name: 'Tom', anonymous: false }, participants: ['tom', 'rita'] };
      const opened = await as('rita').post<ConversationResponse>('/groups/revealed/conversation', { with: 'santa' });
      assert.equal(opened.status, 201, opened.text);
      const { revealed, peer, participants } = opened.body.conversation;
      assert.deepEqual({ revealed, peer, participants }, expected);

      assert.equal((await relay.putGroup('revealed', trio(Date.now() + 7 * 24 * 3600 * 1000))).status, 200);
      const list = await as('rita').get<ConversationListResponse>('/conversations');
      const listed = list.body.conversations.find((conversation) => conversation.groupId === 'revealed');
      assert.ok(listed, list.text);
      assert.deepEqual({ revealed: listed.revealed, peer: listed.peer, participants: listed.participants }, expected);
    });
  });

  describe('a re-draw (PUT with different assignments)', () => {
    it('closes the conversations of pairs that no longer exist, for both sides, and keeps the others', async () => {
      assert.equal((await relay.putGroup('redraw', threeGroup())).status, 201);
      const kept = (await as('alice').post<ConversationResponse>('/groups/redraw/conversation')).body.conversation;
      const bobToCleo = (await as('bob').post<ConversationResponse>('/groups/redraw/conversation')).body.conversation;
      const cleoToAlice = (await as('cleo').post<ConversationResponse>('/groups/redraw/conversation')).body.conversation;
      const oldAlias = (await as('alice').post<ConversationResponse>('/groups/redraw/conversation', { with: 'santa' })).body.conversation.peer.id;
      await sendMessage('cleo', cleoToAlice.id, 'A secret from the old raffle');
      await sendMessage('alice', kept.id, 'Still your santa');

      const redraw = threeGroup({
        assignments: [
          { santa: 'alice', giftee: 'bob' },
          { santa: 'bob', giftee: 'alice' },
        ],
      });
      const replaced = await asHost(relay.url).put('redraw', redraw);
      assert.equal(replaced.status, 200, replaced.text);

      const unknown = await as('alice').get('/conversations/c_no-such-conversation/messages');
      assertError(unknown, 403, 'FORBIDDEN');
      for (const [userId, conversation] of [
        ['bob', bobToCleo],
        ['cleo', bobToCleo],
        ['cleo', cleoToAlice],
        ['alice', cleoToAlice],
      ] as const) {
        const closed = await as(userId).get(`/conversations/${conversation.id}/messages`);
        assertError(closed, 403, 'FORBIDDEN');
        assert.deepEqual(closed.body, unknown.body, 'a closed conversation looks like one that never existed');
      }
      for (const userId of ['alice', 'bob', 'cleo']) {
        const list = await as(userId).get<ConversationListResponse>('/conversations');
        const ids = list.body.conversations.map((conversation) => conversation.id);
        assert.ok(!ids.includes(bobToCleo.id) && !ids.includes(cleoToAlice.id), `${userId} still lists a closed conversation`);
      }
      const aliceSees = await everythingSeenBy('alice');
      assert.ok(!aliceSees.includes('A secret from the old raffle') && !aliceSees.includes(oldAlias), aliceSees);
      assert.ok(!aliceSees.includes('"cleo"') && !aliceSees.includes('Cleo'), aliceSees);
      const cleoList = await as('cleo').get<ConversationListResponse>('/conversations');
      assert.deepEqual(cleoList.body.conversations.filter((conversation) => conversation.groupId === 'redraw'), []);

      const stillThere = await as('bob').get<{ messages: { content: string }[] }>(`/conversations/${kept.id}/messages`);
      assert.equal(stillThere.status, 200, stillThere.text);
      assert.deepEqual(stillThere.body.messages.map((message) => message.content), ['Still your santa']);
      const reopened = await as('alice').post<ConversationResponse>('/groups/redraw/conversation');
      assert.equal(reopened.status, 200);
      assert.equal(reopened.body.conversation.id, kept.id);

      assertError(await as('cleo').post('/groups/redraw/conversation', {}), 409, 'NO_MATCH');
      const newPair = await as('bob').post<ConversationResponse>('/groups/redraw/conversation', {});
      assert.equal(newPair.status, 201, newPair.text);
      assert.ok(![kept.id, bobToCleo.id, cleoToAlice.id].includes(newPair.body.conversation.id));
      assert.deepEqual(newPair.body.conversation.participants, ['bob', 'alice']);
    });
  });
});
