import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAdminToken } from './admin.js';

describe('isAdminToken', () => {
  const expected = 'host-admin-token-0123456789';

  it('accepts the exact token', () => {
    assert.equal(isAdminToken(expected, expected), true);
  });

  it('refuses anything else, including prefixes and longer strings', () => {
    for (const presented of [null, '', 'wrong', expected.slice(0, -1), `${expected}x`, expected.toUpperCase()]) {
      assert.equal(isAdminToken(presented, expected), false, JSON.stringify(presented));
    }
  });

  it('never accepts when no token is configured', () => {
    assert.equal(isAdminToken('', ''), false);
    assert.equal(isAdminToken(null, ''), false);
  });
});
