/**
 * `views.ts` is the one place that decides what a viewer sees (PROTOCOL.md §2, §4): the santa
 * sees the giftee; before the reveal the giftee sees the alias and "Secret Santa"; from
 * `revealAt` (or with the `revealedAt` latch) both see real ids and names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConversationContext, ConversationOverview, MessageRecord } from './store/store.js';
import {
  SECRET_SANTA_NAME,
  hidesSanta,
  isRevealed,
  roleOf,
  viewConversation,
  viewMessage,
  viewParticipants,
  viewPeer,
  visibleUserId,
} from './views.js';

const REVEAL_AT = Date.UTC(2026, 11, 24, 18);
const BEFORE = REVEAL_AT - 1;
const AFTER = REVEAL_AT;
const ALIAS = 's_opaqueAliasOpaqueAlias00';

function context(overrides: { revealedAt?: number | null; closedAt?: number | null } = {}): ConversationContext {
  return {
    conversation: {
      id: 'c_conversation1',
      groupId: 'office',
      santaId: 'santa-id',
      gifteeId: 'giftee-id',
      alias: ALIAS,
      createdAt: Date.UTC(2026, 10, 1),
      closedAt: overrides.closedAt ?? null,
      lastSeq: 2,
    },
    group: { id: 'office', name: 'Office 2026', revealAt: REVEAL_AT, revealedAt: overrides.revealedAt ?? null },
    santa: { id: 'santa-id', name: 'Santa Name' },
    giftee: { id: 'giftee-id', name: 'Giftee Name' },
  };
}

function message(senderId: string, seq = 1): MessageRecord {
  return {
    id: `m_${seq}`,
    conversationId: 'c_conversation1',
    seq,
    senderId,
    content: 'hello there',
    clientId: 'client-1',
    createdAt: Date.UTC(2026, 10, 2, 12, 30),
  };
}

function overview(ctx: ConversationContext, lastMessage: MessageRecord | null = null): ConversationOverview {
  return { ...ctx, unread: 3, lastMessage };
}

describe('isRevealed', () => {
  it('is false before revealAt, true from revealAt on', () => {
    const { group } = context();
    assert.equal(isRevealed(group, BEFORE), false);
    assert.equal(isRevealed(group, REVEAL_AT), true);
    assert.equal(isRevealed(group, REVEAL_AT + 1), true);
  });

  it('stays true with the revealedAt latch even when revealAt moved into the future', () => {
    const { group } = context({ revealedAt: REVEAL_AT - 10_000 });
    assert.equal(isRevealed({ ...group, revealAt: REVEAL_AT + 365 * 86_400_000 }, BEFORE), true);
  });
});

describe('roleOf', () => {
  it('names each participant’s role and null for anyone else', () => {
    assert.equal(roleOf(context(), 'santa-id'), 'santa');
    assert.equal(roleOf(context(), 'giftee-id'), 'giftee');
    assert.equal(roleOf(context(), 'someone-else'), null);
    assert.equal(roleOf(context(), ALIAS), null, 'the alias is not a participant id');
  });
});

describe('hidesSanta', () => {
  it('hides the santa from the giftee only, and only before the reveal', () => {
    assert.equal(hidesSanta(context(), 'giftee-id', BEFORE), true);
    assert.equal(hidesSanta(context(), 'santa-id', BEFORE), false);
    assert.equal(hidesSanta(context(), 'giftee-id', AFTER), false);
    assert.equal(hidesSanta(context({ revealedAt: BEFORE - 1 }), 'giftee-id', BEFORE), false);
  });
});

describe('visibleUserId', () => {
  it('replaces the santa by the alias for the giftee before the reveal', () => {
    assert.equal(visibleUserId(context(), 'santa-id', 'giftee-id', BEFORE), ALIAS);
    assert.equal(visibleUserId(context(), 'giftee-id', 'giftee-id', BEFORE), 'giftee-id');
  });

  it('shows the santa both ids, always', () => {
    assert.equal(visibleUserId(context(), 'santa-id', 'santa-id', BEFORE), 'santa-id');
    assert.equal(visibleUserId(context(), 'giftee-id', 'santa-id', BEFORE), 'giftee-id');
  });

  it('shows the giftee the real santa from revealAt, or with the latch', () => {
    assert.equal(visibleUserId(context(), 'santa-id', 'giftee-id', AFTER), 'santa-id');
    assert.equal(visibleUserId(context({ revealedAt: BEFORE - 1 }), 'santa-id', 'giftee-id', BEFORE), 'santa-id');
  });
});

describe('viewParticipants and viewPeer', () => {
  it('santa: real ids, the giftee as peer', () => {
    assert.deepEqual(viewParticipants(context(), 'santa-id', BEFORE), ['santa-id', 'giftee-id']);
    assert.deepEqual(viewPeer(context(), 'santa-id', BEFORE), { id: 'giftee-id', name: 'Giftee Name', anonymous: false });
  });

  it('giftee before the reveal: the alias and "Secret Santa"', () => {
    assert.equal(SECRET_SANTA_NAME, 'Secret Santa');
    assert.deepEqual(viewParticipants(context(), 'giftee-id', BEFORE), [ALIAS, 'giftee-id']);
    assert.deepEqual(viewPeer(context(), 'giftee-id', BEFORE), { id: ALIAS, name: 'Secret Santa', anonymous: true });
  });

  it('giftee after the reveal or with the latch: the real santa', () => {
    const real = { id: 'santa-id', name: 'Santa Name', anonymous: false };
    assert.deepEqual(viewParticipants(context(), 'giftee-id', AFTER), ['santa-id', 'giftee-id']);
    assert.deepEqual(viewPeer(context(), 'giftee-id', AFTER), real);
    const latched = context({ revealedAt: BEFORE - 1 });
    assert.deepEqual(viewParticipants(latched, 'giftee-id', BEFORE), ['santa-id', 'giftee-id']);
    assert.deepEqual(viewPeer(latched, 'giftee-id', BEFORE), real);
  });
});

describe('viewMessage', () => {
  it('renders the santa’s messages under the alias for the giftee before the reveal', () => {
    const rendered = viewMessage(context(), message('santa-id'), 'giftee-id', BEFORE);
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
    assert.equal(viewMessage(context(), message('santa-id'), 'santa-id', BEFORE).senderId, 'santa-id');
    assert.equal(viewMessage(context(), message('giftee-id'), 'giftee-id', BEFORE).senderId, 'giftee-id');
    assert.equal(viewMessage(context(), message('giftee-id'), 'santa-id', BEFORE).senderId, 'giftee-id');
    assert.equal(viewMessage(context(), message('santa-id'), 'giftee-id', AFTER).senderId, 'santa-id');
  });
});

describe('viewConversation', () => {
  it('for the santa: role, self, peer, participants, times and counters', () => {
    const view = viewConversation(overview(context(), message('giftee-id', 2)), 'santa-id', BEFORE);
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
    });
  });

  it('for the giftee before the reveal: nothing of the santa but the alias', () => {
    const view = viewConversation(overview(context(), message('santa-id', 2)), 'giftee-id', BEFORE);
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
      const view = viewConversation(overview(ctx, message('santa-id', 2)), 'giftee-id', now);
      assert.equal(view.revealed, true);
      assert.deepEqual(view.peer, { id: 'santa-id', name: 'Santa Name', anonymous: false });
      assert.deepEqual(view.participants, ['santa-id', 'giftee-id']);
      assert.equal(view.lastMessage?.senderId, 'santa-id');
    }
  });

  it('marks a closed conversation and takes a null last message', () => {
    const view = viewConversation(overview(context({ closedAt: BEFORE - 1 })), 'giftee-id', BEFORE);
    assert.equal(view.closed, true);
    assert.equal(view.lastMessage, null);
    assert.deepEqual(view.peer, { id: ALIAS, name: 'Secret Santa', anonymous: true });
  });

  it('refuses a viewer who is not a participant', () => {
    assert.throws(() => viewConversation(overview(context()), 'someone-else', BEFORE));
  });
});
