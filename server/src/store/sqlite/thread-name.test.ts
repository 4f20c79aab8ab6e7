import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameThisThread, CHECKPOINTER_THREAD_NAME, WRITER_THREAD_NAME } from './thread-name.js';

describe('nameThisThread', () => {
  it('refuses a name Linux would cut (over 15 bytes); the store’s own names fit', () => {
    assert.throws(() => nameThisThread('sqlite-checkpointer'), RangeError);
    for (const name of [WRITER_THREAD_NAME, CHECKPOINTER_THREAD_NAME]) assert.ok(Buffer.byteLength(name) <= 15, name);
  });
});
