import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOriginPolicy, parseOriginList } from './origin.js';

describe('parseOriginList', () => {
  it('splits, trims and drops empty entries', () => {
    assert.deepEqual(parseOriginList(' https://a.example , http://localhost:5173,, '), [
      'https://a.example',
      'http://localhost:5173',
    ]);
    assert.deepEqual(parseOriginList(undefined), []);
    assert.deepEqual(parseOriginList(''), []);
  });
});

describe('createOriginPolicy', () => {
  it('normalizes configured origins and drops duplicates and empty entries', () => {
    const policy = createOriginPolicy(['HTTPS://Santa.Example/', 'http://localhost:80', '', '  ', 'https://santa.example:443']);
    assert.deepEqual(policy.list(), ['https://santa.example', 'http://localhost']);
  });

  it('allows configured origins however they are spelled', () => {
    const policy = createOriginPolicy(['http://localhost:80', 'https://santa.example', 'http://127.0.0.1:5173']);
    assert.equal(policy.allows('http://localhost'), true);
    assert.equal(policy.allows('http://localhost:80'), true);
    assert.equal(policy.allows('HTTPS://SANTA.EXAMPLE'), true);
    assert.equal(policy.allows('https://santa.example:443'), true);
    assert.equal(policy.allows('http://127.0.0.1:5173'), true);
  });

  it('refuses other origins, the null origin and garbage without throwing', () => {
    const policy = createOriginPolicy(['https://santa.example']);
    const refused = [
      'http://santa.example',
      'https://santa.example:8443',
      'https://evil.santa.example',
      'https://santa.example.evil',
      'https://santa.example/path',
      'https://santa.example/',
      'https://user@santa.example',
      'https://santa.example?x=1',
      'null',
      '',
      '*',
      'not an origin',
      'file:///etc/passwd',
      `https://${'a'.repeat(5000)}.example`,
      undefined as unknown as string,
    ];
    for (const origin of refused) assert.equal(policy.allows(origin), false, String(origin).slice(0, 60));
  });

  it('throws at start-up on an invalid configured origin, naming it', () => {
    assert.throws(() => createOriginPolicy(['https://ok.example', 'not-a-url']), /"not-a-url"/);
    assert.throws(() => createOriginPolicy(['*']), /"\*"/);
    assert.throws(() => createOriginPolicy(['null']), /"null"/);
    assert.throws(() => createOriginPolicy(['file:///tmp']), /only http and https/);
  });

  it('allows nothing when nothing is configured', () => {
    const policy = createOriginPolicy([]);
    assert.deepEqual(policy.list(), []);
    assert.equal(policy.allows('http://localhost'), false);
  });
});
