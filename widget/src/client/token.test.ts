import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeToken } from './client.test-support.js';
import { tokenExpiry, tokenSubject } from './token.js';

describe('tokenSubject / tokenExpiry', () => {
  it('reads sub and exp without verifying the signature', () => {
    const token = makeToken({ sub: 'alice', exp: 1_800_000_000 });
    assert.equal(tokenSubject(token), 'alice');
    assert.equal(tokenExpiry(token), 1_800_000_000);
  });

  it('decodes a UTF-8 payload (atob alone would garble it)', () => {
    const token = makeToken({ sub: 'zoë-🎅-日本', exp: 1 });
    assert.equal(tokenSubject(token), 'zoë-🎅-日本');
  });

  it('reads base64url (- and _) without padding', () => {
    // "?>?" encodes to "Pz4_" in base64url: the payload must contain - or _ somewhere.
    const token = makeToken({ sub: '?>?>>>~~~', exp: 2 });
    assert.match(token.split('.')[1] ?? '', /[-_]/);
    assert.equal(tokenSubject(token), '?>?>>>~~~');
  });

  it('takes an integer sub as its decimal string, as the relay does', () => {
    assert.equal(tokenSubject(makeToken({ sub: 42 })), '42');
  });

  it('answers null for anything that is not a readable token', () => {
    for (const token of ['', 'abc', 'a.b.c', 'a.!!!.c', makeToken({ exp: 'soon' }), `x.${Buffer.from('[1]').toString('base64url')}.y`]) {
      assert.equal(tokenSubject(token), null, token);
      assert.equal(tokenExpiry(token), null, token);
    }
    assert.equal(tokenSubject(makeToken({ sub: '' })), null);
    assert.equal(tokenExpiry(makeToken({ sub: 'a' })), null);
  });
});
