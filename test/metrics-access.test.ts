/**
 * `/metrics` is the operator's (issue #11): on the public port it needs the admin token
 * (tested through `app.request()` in `server/src/app.test.ts`); with SANTA_CHAT_METRICS_PORT
 * it is also served, tokenless, on a listener bound to 127.0.0.1 (or SANTA_CHAT_METRICS_HOST),
 * which only a real relay can show.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../server/src/config.js';
import { assertError, request } from './helpers/http.js';
import { runRelayExpectingFailure } from './helpers/process.js';
import { startTestRelay, type TestRelay } from './helpers/relay.js';

const PROMETHEUS_TEXT = /^text\/plain; version=0\.0\.4/;

function assertPrometheus(result: { status: number; text: string; headers: Headers }): void {
  assert.equal(result.status, 200, result.text);
  assert.match(result.headers.get('content-type') ?? '', PROMETHEUS_TEXT);
  assert.match(result.text, /^# TYPE santa_chat_connections gauge$/m);
  assert.match(result.text, /^santa_chat_messages_stored_total \d+$/m);
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('a relay without SANTA_CHAT_METRICS_PORT', () => {
  let relay: TestRelay;
  before(async () => {
    relay = await startTestRelay();
  });
  after(() => relay.stop());

  // Needs a real relay: whether a second listener is started is relay-server.ts's, not the app's.
  it('has no metrics listener of its own', () => {
    assert.equal(relay.metricsUrl, undefined);
  });
});

describe('SANTA_CHAT_METRICS_PORT', () => {
  let relay: TestRelay;
  // Linux routes all of 127.0.0.0/8 to loopback, so a second address shows where it is bound.
  const METRICS_HOST = '127.0.0.2';
  before(async () => {
    relay = await startTestRelay({ config: { adminToken: undefined, metrics: { port: 0, host: METRICS_HOST } } });
  });
  after(() => relay.stop());

  it('serves /metrics there without a token', async () => {
    assert.ok(relay.metricsUrl !== undefined);
    assertPrometheus(await request(relay.metricsUrl));
  });

  it('is bound to the configured host only, on a port of its own', async () => {
    const url = new URL(relay.metricsUrl ?? '');
    assert.equal(url.hostname, METRICS_HOST);
    assert.notEqual(Number(url.port), relay.port);
    assert.equal(await accepts(METRICS_HOST, Number(url.port)), true);
    assert.equal(await accepts('127.0.0.1', Number(url.port)), false);
  });

  it('serves nothing else: other paths and methods are 404 with the JSON error body', async () => {
    const base = new URL(relay.metricsUrl ?? '').origin;
    assertError(await request(`${base}/healthz`), 404, 'NOT_FOUND');
    assertError(await request(`${base}/admin/groups/office`), 404, 'NOT_FOUND');
    assertError(await request(`${base}/metrics`, { method: 'POST' }), 404, 'NOT_FOUND');
    assert.equal((await request(`${base}/metrics?x=1`)).status, 200);
  });

  it('closes with the relay', async () => {
    const other = await startTestRelay({ config: { metrics: { port: 0, host: '127.0.0.1' } } });
    const port = Number(new URL(other.metricsUrl ?? '').port);
    assert.equal(await accepts('127.0.0.1', port), true);
    await other.stop();
    assert.equal(await accepts('127.0.0.1', port), false);
  });
});

describe('metrics configuration', () => {
  const BASE = { SANTA_CHAT_JWT_SECRET: 'metrics-config-secret-0123456789' };
  const refusal = (env: Record<string, string>): string => {
    try {
      loadConfig({ ...BASE, ...env });
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.message;
    }
    assert.fail(`accepted ${JSON.stringify(env)}`);
  };

  it('binds 127.0.0.1 by default, SANTA_CHAT_METRICS_HOST when set, and nothing when the port is unset', () => {
    assert.deepEqual(loadConfig({ ...BASE, SANTA_CHAT_METRICS_PORT: '9464' }).metrics, { port: 9464, host: '127.0.0.1' });
    assert.deepEqual(loadConfig({ ...BASE, SANTA_CHAT_METRICS_PORT: '9464', SANTA_CHAT_METRICS_HOST: '10.0.0.5' }).metrics, {
      port: 9464,
      host: '10.0.0.5',
    });
    assert.equal(loadConfig(BASE).metrics, undefined);
  });

  it('refuses a port that is not one, naming the variable', () => {
    assert.match(refusal({ SANTA_CHAT_METRICS_PORT: 'nine' }), /^SANTA_CHAT_METRICS_PORT must be a non-negative integer, got "nine"\.$/);
    assert.match(refusal({ SANTA_CHAT_METRICS_PORT: '-1' }), /^SANTA_CHAT_METRICS_PORT must be/);
    assert.match(refusal({ SANTA_CHAT_METRICS_PORT: '70000' }), /^SANTA_CHAT_METRICS_PORT must be at most 65535, got 70000\.$/);
    assert.match(refusal({ SANTA_CHAT_METRICS_PORT: '8787' }), /^SANTA_CHAT_METRICS_PORT must differ from PORT/);
    assert.match(refusal({ SANTA_CHAT_METRICS_HOST: '0.0.0.0' }), /^SANTA_CHAT_METRICS_HOST is set but SANTA_CHAT_METRICS_PORT is not/);
  });

  it('stops `npm run relay` with that sentence and no stack trace', async () => {
    const result = await runRelayExpectingFailure({ ...BASE, DATABASE_URL: 'sqlite::memory:', SANTA_CHAT_METRICS_PORT: '1e3' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /SANTA_CHAT_METRICS_PORT must be a non-negative integer, got "1e3"\./);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});
