/**
 * `frames.ts` builds every frame and body a viewer receives, through the visibility rules:
 * these tests pin each shape and scan what a giftee would get before the reveal.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConversationEvent } from './frames.js';
import {
  ackFrame,
  conversationListBody,
  conversationView,
  errorFrame,
  eventFrame,
  historyBody,
  historyFrame,
  messageView,
  readyFrame,
  revealFrame,
  groupListBody,
  memberGroupView,
  timestampOf,
} from './frames.js';
import type { MemberGroupRecord } from '../store/store.js';
import { AFTER, ALIAS, BEFORE, context, message, overview } from './fixtures.test-support.js';

describe('messageView', () => {
  it('renders the santa’s messages under the alias for the giftee before the reveal', () => {
    const rendered = messageView(context(), message('santa-id'), 'giftee-id', BEFORE);
    assert.deepEqual(rendered, {
      id: 'm_1',
      conversationId: 'c_conversation1',
      seq: 1,
      senderId: ALIAS,
      content: 'hello there',
      timestamp: '2026-11-02T12:30:00.000Z',
    });
    assert.ok(!('clientId' in rendered), 'clientId is not part of a message object');
  });

  it('keeps real senders for the santa, for the giftee’s own messages, and after the reveal', () => {
    assert.equal(messageView(context(), message('santa-id'), 'santa-id', BEFORE).senderId, 'santa-id');
    assert.equal(messageView(context(), message('giftee-id'), 'giftee-id', BEFORE).senderId, 'giftee-id');
    assert.equal(messageView(context(), message('giftee-id'), 'santa-id', BEFORE).senderId, 'giftee-id');
    assert.equal(messageView(context(), message('santa-id'), 'giftee-id', AFTER).senderId, 'santa-id');
  });
});

describe('conversationView', () => {
  it('for the santa: role, self, peer, participants, times and counters', () => {
    const view = conversationView(overview(context(), message('giftee-id', 2)), 'santa-id', BEFORE);
    assert.deepEqual(view, {
      id: 'c_conversation1',
      groupId: 'office',
      groupName: 'Office 2026',
      participants: ['santa-id', 'giftee-id'],
      createdAt: '2026-11-01T00:00:00.000Z',
      role: 'santa',
      self: { id: 'santa-id', name: 'Santa Name' },
      peer: { id: 'giftee-id', name: 'Giftee Name', anonymous: false },
      revealAt: '2026-12-24T18:00:00.000Z',
      revealed: false,
      unread: 3,
      lastMessage: {
        id: 'm_2',
        conversationId: 'c_conversation1',
        seq: 2,
        senderId: 'giftee-id',
        content: 'hello there',
        timestamp: '2026-11-02T12:30:00.000Z',
      },
      closed: false,
      peerReadUpTo: 1,
    });
  });

  it('carries the other side’s read cursor, as a number only, to either side', () => {
    const ctx = context();
    for (const viewer of ['santa-id', 'giftee-id']) {
      assert.equal(conversationView({ ...overview(ctx), peerReadUpTo: 7 }, viewer, BEFORE).peerReadUpTo, 7);
    }
  });

  it('for the giftee before the reveal: nothing of the santa but the alias', () => {
    const view = conversationView(overview(context(), message('santa-id', 2)), 'giftee-id', BEFORE);
    assert.equal(view.role, 'giftee');
    assert.deepEqual(view.self, { id: 'giftee-id', name: 'Giftee Name' });
    assert.deepEqual(view.peer, { id: ALIAS, name: 'Secret Santa', anonymous: true });
    assert.deepEqual(view.participants, [ALIAS, 'giftee-id']);
    assert.equal(view.lastMessage?.senderId, ALIAS);
    assert.equal(view.revealed, false);
    const text = JSON.stringify(view);
    assert.ok(!text.includes('santa-id'), text);
    assert.ok(!text.includes('Santa Name'), text);
  });

  it('for the giftee after the reveal, and with the latch: the real santa', () => {
    for (const [ctx, now] of [
      [context(), AFTER],
      [context({ revealedAt: BEFORE - 5 }), BEFORE],
    ] as const) {
      const view = conversationView(overview(ctx, message('santa-id', 2)), 'giftee-id', now);
      assert.equal(view.revealed, true);
      assert.deepEqual(view.peer, { id: 'santa-id', name: 'Santa Name', anonymous: false });
      assert.deepEqual(view.participants, ['santa-id', 'giftee-id']);
      assert.equal(view.lastMessage?.senderId, 'santa-id');
    }
  });

  it('marks a closed conversation and takes a null last message', () => {
    const view = conversationView(overview(context({ closedAt: BEFORE - 1 })), 'giftee-id', BEFORE);
    assert.equal(view.closed, true);
    assert.equal(view.lastMessage, null);
    assert.deepEqual(view.peer, { id: ALIAS, name: 'Secret Santa', anonymous: true });
  });

  it('refuses a viewer who is not a participant', () => {
    assert.throws(() => conversationView(overview(context()), 'someone-else', BEFORE));
  });
});

describe('frames for one socket', () => {
  it('ACK and NEW_MESSAGE of one stored message share one formatted timestamp', () => {
    const stored = message('santa-id', 4);
    const ack = ackFrame(stored, 'client-1');
    const fanned = eventFrame({ type: 'message', context: context(), message: stored }, 'giftee-id', BEFORE);
    assert.deepEqual(ack, {
      type: 'ACK',
      clientId: 'client-1',
      conversationId: 'c_conversation1',
      id: 'm_4',
      seq: 4,
      timestamp: '2026-11-02T12:30:00.000Z',
    });
    assert.ok(fanned?.type === 'NEW_MESSAGE');
    assert.equal(fanned.timestamp, ack.timestamp);
    assert.equal(timestampOf(stored), ack.timestamp);
  });

  it('READY, HISTORY and REVEAL for the giftee before the reveal name nobody but the alias', () => {
    const frames = [
      readyFrame('giftee-id', [overview(context(), message('santa-id', 2))], 3, BEFORE),
      historyFrame(context(), [message('santa-id', 1), message('giftee-id', 2)], false, 'giftee-id', BEFORE),
      historyBody(context(), [message('santa-id', 1)], true, 'giftee-id', BEFORE),
      conversationListBody([overview(context())], 3, 'giftee-id', BEFORE),
    ];
    for (const frame of frames) {
      const text = JSON.stringify(frame);
      assert.ok(!text.includes('santa-id') && !text.includes('Santa Name'), text);
      assert.ok(text.includes(ALIAS) || text.includes('"messages":[]'), text);
    }
  });

  it('READY carries the viewer’s groups: the giftee by name, the santa only as hasSanta', () => {
    const groups: MemberGroupRecord[] = [
      { group: { id: 'office', name: 'Office 2026', revealAt: BEFORE + 1 }, drawn: true, giftee: { id: 'bob', name: 'Bob' }, hasSanta: true },
      { group: { id: 'family', name: 'Family', revealAt: BEFORE + 1 }, drawn: false, giftee: null, hasSanta: false },
    ];
    const ready = readyFrame('giftee-id', [], 0, BEFORE, groups);
    assert.deepEqual(ready.groups, [
      { id: 'office', name: 'Office 2026', revealAt: '2026-12-24T18:00:00.000Z', drawn: true, giftee: { id: 'bob', name: 'Bob' }, hasSanta: true },
      { id: 'family', name: 'Family', revealAt: '2026-12-24T18:00:00.000Z', drawn: false, giftee: null, hasSanta: false },
    ]);
    assert.deepEqual(groupListBody(groups), { success: true, groups: ready.groups });
    assert.deepEqual(readyFrame('giftee-id', [], 0, BEFORE).groups, []);
    assert.deepEqual(Object.keys(memberGroupView(groups[0]!)).sort(), ['drawn', 'giftee', 'hasSanta', 'id', 'name', 'revealAt']);
  });

  it('REVEAL shows each side the real ids', () => {
    assert.deepEqual(revealFrame(context(), 'giftee-id', AFTER), {
      type: 'REVEAL',
      conversationId: 'c_conversation1',
      alias: ALIAS,
      participants: ['santa-id', 'giftee-id'],
      peer: { id: 'santa-id', name: 'Santa Name', anonymous: false },
    });
    assert.deepEqual(revealFrame(context(), 'santa-id', AFTER).peer, { id: 'giftee-id', name: 'Giftee Name', anonymous: false });
  });

  it('ERROR carries only the details given', () => {
    assert.deepEqual(errorFrame('EMPTY', 'Say something.'), { type: 'ERROR', code: 'EMPTY', message: 'Say something.' });
    assert.deepEqual(errorFrame('RATE_LIMITED', 'Slow down.', { clientId: 'k', conversationId: 'c', retryAfterMs: 5 }), {
      type: 'ERROR',
      code: 'RATE_LIMITED',
      message: 'Slow down.',
      clientId: 'k',
      conversationId: 'c',
      retryAfterMs: 5,
    });
  });
});

describe('eventFrame', () => {
  const events: ConversationEvent[] = [
    { type: 'message', context: context(), message: message('santa-id', 3) },
    { type: 'read', context: context(), readerId: 'santa-id', upTo: 2 },
    { type: 'typing', context: context(), senderId: 'santa-id' },
    { type: 'conversation', context: context() },
  ];

  it('gives the giftee every event of the santa under the alias before the reveal', () => {
    for (const event of events) {
      const frame = eventFrame(event, 'giftee-id', BEFORE);
      assert.ok(frame, event.type);
      const text = JSON.stringify(frame);
      assert.ok(!text.includes('santa-id') && !text.includes('Santa Name'), text);
      assert.ok(!text.includes('client-1'), 'the clientId goes to the sender only');
    }
  });

  it('gives the sender its clientId and no TYPING of its own', () => {
    const own = eventFrame(events[0] as ConversationEvent, 'santa-id', BEFORE);
    assert.ok(own?.type === 'NEW_MESSAGE');
    assert.equal(own.clientId, 'client-1');
    assert.equal(own.senderId, 'santa-id');
    assert.equal(eventFrame(events[2] as ConversationEvent, 'santa-id', BEFORE), null);
  });

  it('builds READ, TYPING, CONVERSATION and REVEAL with the viewer’s ids', () => {
    assert.deepEqual(eventFrame(events[1] as ConversationEvent, 'giftee-id', BEFORE), {
      type: 'READ',
      conversationId: 'c_conversation1',
      readerId: ALIAS,
      upTo: 2,
    });
    assert.deepEqual(eventFrame(events[2] as ConversationEvent, 'giftee-id', AFTER), {
      type: 'TYPING',
      conversationId: 'c_conversation1',
      senderId: 'santa-id',
    });
    const opened = eventFrame(events[3] as ConversationEvent, 'giftee-id', BEFORE);
    assert.ok(opened?.type === 'CONVERSATION');
    assert.equal(opened.conversation.unread, 0);
    assert.equal(opened.conversation.lastMessage, null);
    assert.deepEqual(eventFrame({ type: 'reveal', context: context() }, 'giftee-id', AFTER), revealFrame(context(), 'giftee-id', AFTER));
  });

  it('a conversation closed before its revealAt stays anonymous after that date', () => {
    const closed = eventFrame({ type: 'conversation', context: context({ closedAt: BEFORE - 1 }) }, 'giftee-id', AFTER + 86_400_000);
    assert.ok(closed?.type === 'CONVERSATION');
    assert.equal(closed.conversation.closed, true);
    assert.equal(closed.conversation.revealed, false);
    assert.deepEqual(closed.conversation.peer, { id: ALIAS, name: 'Secret Santa', anonymous: true });
  });
});
