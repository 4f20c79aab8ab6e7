/**
 * `visibility.ts` decides what a viewer may see (docs/protocol.md §2, §4): the santa sees the
 * giftee; before the reveal the giftee sees the alias and "Secret Santa"; from `revealAt` (or
 * with the pair's latch) both see real ids and names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AFTER, ALIAS, BEFORE, REVEAL_AT, context } from './fixtures.test-support.js';
import {
  SECRET_SANTA_NAME,
  hidesSanta,
  isRevealed,
  roleOf,
  viewParticipants,
  viewPeer,
  visibleUserId,
} from './visibility.js';

describe('isRevealed', () => {
  it('is false before revealAt, true from revealAt on', () => {
    assert.equal(isRevealed(context(), BEFORE), false);
    assert.equal(isRevealed(context(), REVEAL_AT), true);
    assert.equal(isRevealed(context(), REVEAL_AT + 1), true);
  });

  it('stays true with the pair’s latch even when revealAt moved into the future', () => {
    const latched = context({ revealedAt: REVEAL_AT - 10_000 });
    assert.equal(isRevealed({ ...latched, group: { ...latched.group, revealAt: REVEAL_AT + 365 * 86_400_000 } }, BEFORE), true);
  });

  it('never reveals a closed conversation by the clock: its pair is gone', () => {
    assert.equal(isRevealed(context({ closedAt: BEFORE - 1 }), AFTER), false);
    assert.equal(isRevealed(context({ closedAt: BEFORE - 1, revealedAt: BEFORE - 2 }), BEFORE), true, 'revealed before it closed');
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
