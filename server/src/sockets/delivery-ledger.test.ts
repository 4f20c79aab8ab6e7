import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryLedger } from './delivery-ledger.js';

describe('DeliveryLedger', () => {
  it('starts at 0 and at the READY baseline', () => {
    const ledger = new DeliveryLedger();
    assert.equal(ledger.through('c1'), 0);
    ledger.baseline('c1', 7);
    assert.equal(ledger.through('c1'), 7);
    ledger.baseline('c1', 3);
    assert.equal(ledger.through('c1'), 7, 'never moves back');
  });

  it('advances over messages sent in any order, and stops below a gap', () => {
    const ledger = new DeliveryLedger();
    ledger.sent('c1', 2);
    assert.equal(ledger.through('c1'), 0);
    ledger.sent('c1', 1);
    assert.equal(ledger.through('c1'), 2);
    ledger.sent('c1', 4);
    ledger.sent('c1', 5);
    assert.equal(ledger.through('c1'), 2, 'seq 3 was lost: a catch-up starts after 2');
    ledger.sent('c1', 3);
    assert.equal(ledger.through('c1'), 5);
    ledger.sent('c1', 5);
    assert.equal(ledger.through('c1'), 5);
  });

  it('counts a HISTORY page that joins on, and remembers one that does not', () => {
    const ledger = new DeliveryLedger();
    ledger.baseline('c1', 2);
    ledger.sentPage('c1', 10, [11, 12]);
    assert.equal(ledger.through('c1'), 2);
    ledger.sentPage('c1', 2, [3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(ledger.through('c1'), 12);
    ledger.sentPage('c1', 12, []);
    assert.equal(ledger.through('c1'), 12);
  });

  it('keeps conversations apart', () => {
    const ledger = new DeliveryLedger();
    ledger.sent('c1', 1);
    assert.equal(ledger.through('c1'), 1);
    assert.equal(ledger.through('c2'), 0);
  });
});

describe('DeliveryLedger gaps', () => {
  it('knows what a socket has, where a gap is open, and forgets closed conversations', () => {
    const ledger = new DeliveryLedger();
    ledger.baseline('c1', 3);
    ledger.sent('c1', 5);
    ledger.sent('c2', 1);
    assert.equal(ledger.has('c1', 2), true, 'up to the baseline the client fetches itself');
    assert.equal(ledger.has('c1', 4), false);
    assert.equal(ledger.has('c1', 5), true);
    assert.equal(ledger.hasGap('c1'), true);
    assert.equal(ledger.hasGap('c2'), false);
    assert.equal(ledger.hasGap(), true);
    ledger.retainOnly(new Set(['c2']));
    assert.equal(ledger.hasGap(), false);
    assert.equal(ledger.through('c1'), 0);
    assert.equal(ledger.through('c2'), 1);
  });
});
