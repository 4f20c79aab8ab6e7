/**
 * Starting a relay with Redis configured wrongly, or unreachable, stops it with one sentence
 * that says what to do (docs/protocol.md §5), never a stack trace.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runRelayExpectingFailure } from './helpers/process.js';
import { freePort } from './helpers/redis.js';

const BASE = { SANTA_CHAT_JWT_SECRET: 'redis-config-secret-0123456789abcdef', DATABASE_URL: 'sqlite::memory:' };

describe('Redis configuration', { concurrency: true }, () => {
  it('refuses a REDIS_URL that is not redis:// or rediss://', async () => {
    const result = await runRelayExpectingFailure({ ...BASE, REDIS_URL: 'http://127.0.0.1:6379' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /REDIS_URL must start with redis:\/\/ or rediss:\/\//);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('refuses a SANTA_CHAT_REDIS_PREFIX with spaces', async () => {
    const result = await runRelayExpectingFailure({ ...BASE, SANTA_CHAT_REDIS_PREFIX: 'my chat' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /SANTA_CHAT_REDIS_PREFIX must be/);
  });

  it('stops when Redis cannot be reached at start-up, saying so and hiding the password', async () => {
    const port = await freePort();
    const result = await runRelayExpectingFailure({ ...BASE, REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /REDIS_URL: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+.*Start Redis, or unset REDIS_URL/);
    assert.doesNotMatch(result.stderr, /hunter2/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});
