/**
 * What operators and host pages get from the app besides the API (docs/protocol.md §5),
 * through `app.request()`: `/healthz`, Prometheus `/metrics` behind the admin token, the
 * widget bundle at `/santa-chat.js` and the files beside it, and JSON 404s. What only a
 * listener can show (a request Node cannot parse, the private metrics port) is in
 * `test/relay-ops.test.ts` and `test/metrics-access.test.ts`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConversationResponse } from '../../protocol/index.js';
import { asParticipant, assertError, request } from '../../test/helpers/http.js';
import { threeGroup } from '../../test/helpers/relay.js';
import { createTestApp, TEST_APP_ADMIN_TOKEN, type TestApp } from './app.test-support.js';

const BUNDLE = 'export class SantaChat extends HTMLElement {}\ncustomElements.define("santa-chat", SantaChat);\n';
const PANEL_CHUNK = 'export const renderPanel = () => null;\n';
const LOCALE = 'export default { send: "Senden" };\n';
const PROMETHEUS_TEXT = /^text\/plain; version=0\.0\.4/;

/** The value of one Prometheus sample, e.g. `santa_chat_errors_total{code="FORBIDDEN"}`; 0 when absent. */
function sample(metrics: string, name: string): number {
  const line = metrics.split('\n').find((entry) => entry.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

function assertPrometheus(result: { status: number; text: string; headers: Headers }): void {
  assert.equal(result.status, 200, result.text);
  assert.match(result.headers.get('content-type') ?? '', PROMETHEUS_TEXT);
  assert.match(result.text, /^# TYPE santa_chat_connections gauge$/m);
  assert.match(result.text, /^santa_chat_messages_stored_total \d+$/m);
}

describe('operations endpoints', () => {
  let relay: TestApp;
  let bundleDir: string;
  const metricsText = async (): Promise<string> =>
    (await request(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TEST_APP_ADMIN_TOKEN}` } })).text;

  before(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), 'santa-chat-bundle-'));
    await writeFile(join(bundleDir, 'santa-chat.js'), BUNDLE);
    await mkdir(join(bundleDir, 'chunks'));
    await mkdir(join(bundleDir, 'locales'));
    await writeFile(join(bundleDir, 'chunks', 'panel-Ab1_c2.js'), PANEL_CHUNK);
    await writeFile(join(bundleDir, 'chunks', 'panel-Ab1_c2.js.map'), '{}');
    await writeFile(join(bundleDir, 'locales', 'de.js'), LOCALE);
    await writeFile(join(bundleDir, 'secret.js'), 'the relay must not serve this');
    relay = await createTestApp({ widgetBundlePath: join(bundleDir, 'santa-chat.js') });
  });
  after(async () => {
    await relay.stop();
    await rm(bundleDir, { recursive: true, force: true });
  });

  it('GET /healthz is public, says whether the relay can serve and names no counts', async () => {
    const health = await request<Record<string, unknown>>(`${relay.url}/healthz`);
    assert.equal(health.status, 200);
    assert.match(health.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(health.body, { ok: true, store: 'ok', redis: 'off' });
  });

  it('GET /metrics is 401 UNAUTHENTICATED without the admin token, with the error body and no metric', async () => {
    const refusals = [undefined, 'Bearer', `Bearer ${TEST_APP_ADMIN_TOKEN}x`, `Basic ${TEST_APP_ADMIN_TOKEN}`, `Bearer ${relay.token('alice')}`];
    for (const authorization of refusals) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      const refused = await request(`${relay.url}/metrics`, { headers });
      assertError(refused, 401, 'UNAUTHENTICATED');
      assert.doesNotMatch(refused.text, /santa_chat_/, 'no metric leaks into the refusal');
    }
  });

  it('GET /metrics (with the admin token) is Prometheus text with stored messages and refusals by code', async () => {
    const before = await request(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TEST_APP_ADMIN_TOKEN}` } });
    assertPrometheus(before);
    assert.match(before.text, /^# HELP santa_chat_messages_stored_total /m);
    assert.match(before.text, /^# TYPE santa_chat_messages_stored_total counter$/m);
    assert.match(before.text, /^# TYPE santa_chat_errors_total counter$/m);

    assert.equal((await relay.putGroup('office', threeGroup())).status, 201);
    const alice = asParticipant(relay.url, relay.token('alice'));
    const { conversation } = (await alice.post<ConversationResponse>('/groups/office/conversation')).body;
    await relay.service.send('alice', conversation.id, 'counted', randomUUID());
    assertError(await alice.get('/conversations/c_not-mine/messages'), 403, 'FORBIDDEN');
    assertError(await request(`${relay.url}/conversations`), 401, 'UNAUTHENTICATED');
    assertError(await request(`${relay.url}/conversations`), 401, 'UNAUTHENTICATED');

    const afterwards = await metricsText();
    const delta = (name: string) => sample(afterwards, name) - sample(before.text, name);
    assert.equal(delta('santa_chat_messages_stored_total'), 1);
    assert.equal(delta('santa_chat_errors_total{code="FORBIDDEN"}'), 1);
    assert.equal(delta('santa_chat_errors_total{code="UNAUTHENTICATED"}'), 2);
  });

  it('GET /santa-chat.js serves the widget bundle as JavaScript that any host page may load', async () => {
    const bundle = await request(`${relay.url}/santa-chat.js`, { headers: { origin: 'https://any-host.example' } });
    assert.equal(bundle.status, 200);
    assert.equal(bundle.text, BUNDLE);
    assert.match(bundle.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(bundle.headers.get('access-control-allow-origin'), '*');
  });

  it('serves the chunks beside the bundle (the lazy panel, the locales) with the same headers, and nothing else of the folder', async () => {
    for (const [path, body] of [
      ['/chunks/panel-Ab1_c2.js', PANEL_CHUNK],
      ['/locales/de.js', LOCALE],
    ] as const) {
      const chunk = await request(`${relay.url}${path}`, { headers: { origin: 'https://any-host.example' } });
      assert.equal(chunk.status, 200, path);
      assert.equal(chunk.text, body, path);
      assert.match(chunk.headers.get('content-type') ?? '', /^text\/javascript/, path);
      assert.equal(chunk.headers.get('access-control-allow-origin'), '*', path);
    }
    for (const path of [
      '/chunks/panel-Ab1_c2.js.map',
      '/chunks/missing-1234.js',
      '/chunks/..%2Fsecret.js',
      '/chunks/%2E%2E%2Fsecret.js',
      '/locales/..%2F..%2Fsecret.js',
      '/chunks/.js',
      '/secret.js',
    ]) {
      assertError(await request(`${relay.url}${path}`), 404, 'NOT_FOUND');
    }
  });

  it('answers unknown routes with 404 NOT_FOUND in the error body', async () => {
    assertError(await request(`${relay.url}/nope`), 404, 'NOT_FOUND');
    assertError(await request(`${relay.url}/admin/nope`, { headers: { authorization: `Bearer ${TEST_APP_ADMIN_TOKEN}` } }), 404, 'NOT_FOUND');
    assertError(await request(`${relay.url}/healthz`, { method: 'POST' }), 404, 'NOT_FOUND');
    const authenticated = asParticipant(relay.url, relay.token('alice'));
    assertError(await authenticated.get('/conversations/c_x/attachments'), 404, 'NOT_FOUND');
    assertError(await authenticated.get('/groups/office/conversation'), 404, 'NOT_FOUND');
  });
});

describe('GET /santa-chat.js before the widget is built', () => {
  let relay: TestApp;
  before(async () => {
    relay = await createTestApp({ widgetBundlePath: join(tmpdir(), 'santa-chat-missing', 'santa-chat.js') });
  });
  after(() => relay.stop());

  it('is 404 NOT_FOUND with a message that says how to build it', async () => {
    const error = assertError(await request(`${relay.url}/santa-chat.js`), 404, 'NOT_FOUND');
    assert.match(error.message, /npm run build/);
  });
});

describe('/metrics without an admin token configured', () => {
  let relay: TestApp;
  before(async () => {
    relay = await createTestApp({ adminToken: undefined });
  });
  after(() => relay.stop());

  it('does not exist (404), like the admin API', async () => {
    assertError(await request(`${relay.url}/metrics`), 404, 'NOT_FOUND');
    assertError(await request(`${relay.url}/metrics`, { headers: { authorization: 'Bearer ' } }), 404, 'NOT_FOUND');
  });
});
