import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ChatMessage } from '../client/types.js';
import { RENDER_WINDOW, renderWindow } from './render-window.js';

function stored(seq: number): ChatMessage {
  return { status: 'sent', id: `m${seq}`, conversationId: 'c', seq, senderId: 'a', content: `text ${seq}`, timestamp: new Date(seq * 60_000).toISOString() };
}

function outgoing(clientId: string): ChatMessage {
  return { status: 'sending', clientId, conversationId: 'c', senderId: 'a', content: clientId, timestamp: new Date(0).toISOString() };
}

/** Stored messages `from`..`to` by seq, then the outgoing ones. */
function held(from: number, to: number, pending: string[] = []): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (let seq = from; seq <= to; seq++) messages.push(stored(seq));
  return [...messages, ...pending.map(outgoing)];
}

/** The seq the rendering starts at (undefined: no stored message rendered). */
const firstSeq = (messages: readonly ChatMessage[]): number | undefined => (messages[0]?.status === 'sent' ? messages[0].seq : undefined);

const seqs = (messages: readonly ChatMessage[]): (number | string)[] => messages.map((message) => (message.status === 'sent' ? message.seq : message.clientId));

describe('renderWindow', () => {
  it('renders the newest RENDER_WINDOW stored messages of a long thread, and every outgoing one', () => {
    assert.equal(RENDER_WINDOW, 50);
    const window = renderWindow();
    const messages = held(1, 200, ['x', 'y']);
    const { shown, hidden, lastHidden } = window.of('c', messages);
    assert.deepEqual(seqs(shown), [...Array.from({ length: 50 }, (_, index) => 151 + index), 'x', 'y']);
    assert.equal(hidden, 150);
    assert.equal(lastHidden, messages[149]);
  });

  it('renders a short thread, or one with only outgoing messages, whole (the same array)', () => {
    const window = renderWindow();
    const short = held(1, 50);
    assert.equal(window.of('c', short).shown, short);
    assert.equal(window.of('c', short).hidden, 0);
    const pending = held(1, 0, ['x']);
    assert.equal(renderWindow().of('c', pending).shown, pending);
    assert.equal(renderWindow().of('c', []).lastHidden, undefined);
  });

  it('widens by RENDER_WINDOW held messages at a time, then asks for the relay (false) and takes in all it sends', () => {
    const window = renderWindow();
    let messages = held(71, 200);
    assert.equal(window.of('c', messages).hidden, 80);
    assert.equal(window.widen('c', messages), true);
    assert.deepEqual(window.of('c', messages).hidden, 30);
    assert.equal(window.widen('c', messages), true);
    assert.equal(window.of('c', messages).hidden, 0);
    assert.equal(window.of('c', messages).shown.length, 130);
    assert.equal(window.widen('c', messages), false, 'nothing older held: the relay is asked');
    messages = held(1, 200);
    assert.equal(window.of('c', messages).hidden, 0, 'what the relay sent is rendered');
    assert.equal(window.of('c', messages).shown, messages);
  });

  it('keeps every message it rendered while new ones arrive (it never narrows), and starts again for another conversation or after a reset', () => {
    const window = renderWindow();
    assert.equal(firstSeq(window.of('c', held(1, 100)).shown), 51);
    assert.equal(firstSeq(window.of('c', held(1, 180)).shown), 51, 'the 80 that arrived are added');
    assert.equal(firstSeq(window.of('d', held(1, 180)).shown), 131);
    assert.equal(firstSeq(window.of('c', held(1, 180)).shown), 131, 'back to c: its newest again');
    window.widen('c', held(1, 180));
    assert.equal(firstSeq(window.of('c', held(1, 180)).shown), 81);
    window.reset();
    assert.equal(firstSeq(window.of('c', held(1, 180)).shown), 131);
  });

  it('opens at the newest once the first stored messages are held (an empty thread that fills from the cache or the relay)', () => {
    const window = renderWindow();
    assert.equal(window.of('c', held(1, 0, ['x'])).shown.length, 1);
    assert.equal(firstSeq(window.of('c', held(1, 300, ['x'])).shown), 251);
  });

  it('marks as history (liveAfter) what there was when the conversation opened: held, or known to the relay (its lastMessage)', () => {
    const window = renderWindow();
    assert.equal(window.of('c', held(1, 120), 100).liveAfter, 120, 'the newest held');
    assert.equal(window.of('c', held(1, 130), 130).liveAfter, 120, 'fixed while the conversation stays open');
    window.widen('c', held(1, 130));
    assert.equal(window.of('c', held(1, 130)).liveAfter, 120, 'and when it widens');
    assert.equal(window.of('d', held(1, 0, ['x']), 40).liveAfter, 40, 'nothing held yet: what the relay has, which its pages bring');
    assert.equal(window.of('d', held(1, 60), 40).liveAfter, 40);
    assert.equal(window.of('e', []).liveAfter, 0, 'a new conversation: everything is live');
    window.reset();
    assert.equal(window.of('d', held(1, 60), 40).liveAfter, 60, 'opened again: what it holds now');
  });

  it('takes in as history what the relay says it has beyond what is held (a READY after the thread opened from the cache), not what arrives', () => {
    const window = renderWindow();
    assert.equal(window.of('c', held(1, 10), 10).liveAfter, 10, 'opened from the cache');
    assert.equal(window.of('c', held(1, 10), 15).liveAfter, 15, 'READY: the relay has up to 15');
    assert.equal(window.of('c', held(1, 15), 15).liveAfter, 15, 'its pages bring them');
    assert.equal(window.of('c', held(1, 16), 16).liveAfter, 15, 'a NEW_MESSAGE is held when it becomes the last one: live');
    assert.equal(window.of('c', held(1, 16), 16).liveAfter, 15);
  });

  it('once a message arrived live, a later READY does not move it into the history; what the catch-up brings after it is live too', () => {
    const window = renderWindow();
    assert.equal(window.of('c', held(1, 10), 10).liveAfter, 10);
    assert.equal(window.of('c', held(1, 11), 11).liveAfter, 10, 'seq 11 arrived while open');
    assert.equal(window.of('c', held(1, 11), 13).liveAfter, 10, 'a reconnect\'s READY: the relay has up to 13');
    assert.equal(window.of('c', held(1, 13), 13).liveAfter, 10, 'its catch-up');
  });

  it('for any thread and any steps: renders a suffix of what is held that holds every outgoing message and the newest stored ones, and hides exactly what it leaves out', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('arrive' as const), count: fc.nat(120) }),
      fc.record({ kind: fc.constant('widen' as const) }),
      fc.record({ kind: fc.constant('older' as const), count: fc.nat(120) }),
      fc.record({ kind: fc.constant('reset' as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.nat(600), fc.nat(3), fc.array(step, { maxLength: 12 }), (first, count, pending, steps) => {
        const window = renderWindow();
        let from = first;
        let to = first + count - 1;
        const list = (): ChatMessage[] => held(from, to, Array.from({ length: pending }, (_, index) => `p${index}`));
        let previousFirst: number | undefined;
        // Older messages that come unasked (not through widen) stay hidden until "Show older".
        let olderCame = false;
        for (const action of [{ kind: 'look' as const }, ...steps]) {
          if (action.kind === 'arrive') to += action.count;
          if (action.kind === 'older') {
            olderCame ||= action.count > 0 && from > 1;
            from = Math.max(1, from - action.count);
          }
          if (action.kind === 'reset') {
            window.reset();
            previousFirst = undefined;
            olderCame = false;
          }
          const messages = list();
          if (action.kind === 'widen') window.widen('c', messages);
          const { shown, hidden, lastHidden } = window.of('c', messages);
          const storedHeld = to - from + 1;
          assert.deepEqual(shown, messages.slice(hidden), 'a suffix of what is held');
          assert.equal(lastHidden, messages[hidden - 1]);
          if (!olderCame) assert.ok(hidden <= storedHeld - Math.min(storedHeld, RENDER_WINDOW), 'at least the newest RENDER_WINDOW are rendered');
          assert.ok(shown.length >= pending + Math.min(storedHeld, 1), 'every outgoing message, and the newest stored one');
          const firstShown = firstSeq(shown);
          if (previousFirst !== undefined && firstShown !== undefined) {
            assert.ok(firstShown <= previousFirst, 'never narrows');
          }
          previousFirst = firstShown;
        }
      }),
      { numRuns: 400 },
    );
  });
});
