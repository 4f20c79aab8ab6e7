/** The sends in flight by sender and clientId (`sends-in-flight.ts`): lookups, removal, and the sweep of idle senders. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SendsInFlight } from './sends-in-flight.js';

const send = (clientId: string | null) => ({ clientId });

describe('SendsInFlight', () => {
  it('finds a send by its sender and clientId, and only by both', () => {
    const sends = new SendsInFlight<ReturnType<typeof send>>();
    const first = send('c-1');
    const second = send('c-2');
    const othersSameId = send('c-1');
    sends.add('ana', first);
    sends.add('ana', second);
    sends.add('ben', othersSameId);
    assert.equal(sends.find('ana', 'c-1'), first);
    assert.equal(sends.find('ana', 'c-2'), second);
    assert.equal(sends.find('ben', 'c-1'), othersSameId);
    assert.equal(sends.find('ben', 'c-2'), undefined);
    assert.equal(sends.find('cleo', 'c-1'), undefined);
  });

  it('forgets a removed send and keeps the others of its sender, whichever goes first', () => {
    const sends = new SendsInFlight<ReturnType<typeof send>>();
    const [a, b, c] = [send('a'), send('b'), send('c')];
    for (const each of [a, b, c]) sends.add('ana', each);
    sends.remove('ana', a);
    assert.equal(sends.find('ana', 'a'), undefined);
    assert.equal(sends.find('ana', 'b'), b);
    assert.equal(sends.find('ana', 'c'), c);
    sends.remove('ana', c);
    assert.equal(sends.find('ana', 'c'), undefined);
    assert.equal(sends.find('ana', 'b'), b);
    // Removing what is not there changes nothing.
    sends.remove('ana', a);
    sends.remove('nobody', a);
    assert.equal(sends.find('ana', 'b'), b);
  });

  it('a clientId sent again after its send ended is a new send', () => {
    const sends = new SendsInFlight<ReturnType<typeof send>>();
    const first = send('x');
    sends.add('ana', first);
    sends.remove('ana', first);
    const again = send('x');
    sends.add('ana', again);
    assert.equal(sends.find('ana', 'x'), again);
  });

  it('forgets senders with nothing in flight once the map has doubled, and keeps those still sending', () => {
    const sends = new SendsInFlight<ReturnType<typeof send>>();
    const busy = send('busy');
    sends.add('sender-0', busy);
    for (let index = 1; index < 1024; index++) {
      const each = send(`m-${index}`);
      sends.add(`sender-${index}`, each);
      sends.remove(`sender-${index}`, each);
    }
    assert.equal(sends.senders, 1024, 'no sweep before the map holds 1,024 senders');
    const late = send('late');
    sends.add('sender-late', late);
    // The sweep ran before the new sender was listed: only the busy one and the new one remain.
    assert.equal(sends.senders, 2);
    assert.equal(sends.find('sender-0', 'busy'), busy);
    assert.equal(sends.find('sender-late', 'late'), late);
    // The next sweep waits until the map holds 1,024 again (twice what stayed, at least 1,024).
    for (let index = 0; index < 1021; index++) sends.add(`idle-${index}`, send(`i-${index}`));
    assert.equal(sends.senders, 1023);
  });
});
