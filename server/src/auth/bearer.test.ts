import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBearer } from './bearer.js';

describe('readBearer', () => {
  it('reads the credential of the Bearer scheme, whatever its case', () => {
    assert.equal(readBearer('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(readBearer('bearer abc'), 'abc');
    assert.equal(readBearer('BEARER abc'), 'abc');
  });

  it('trims surrounding whitespace', () => {
    assert.equal(readBearer('  Bearer   abc  '), 'abc');
    assert.equal(readBearer('Bearer\tabc'), 'abc');
  });

  it('is null when absent, empty or another scheme', () => {
    for (const header of [undefined, null, '', '   ', 'Bearer', 'Bearer   ', 'Bearerabc', 'Basic dXNlcjpwYXNz', 'Token abc', 'abc']) {
      assert.equal(readBearer(header), null, JSON.stringify(header));
    }
  });
});
