/**
 * What operators and host pages get from the relay besides the API (docs/protocol.md §5):
 * `/healthz`, Prometheus `/metrics` (its access rules: metrics-access.test.ts), the widget bundle at `/santa-chat.js`, and JSON 404s.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ConversationResponse } from '../protocol/index.js';
import { TestClient } from './helpers/client.js';
import { asParticipant, assertError, request, sendMessage } from './helpers/http.js';
import { startTestRelay, TEST_ADMIN_TOKEN, threeGroup, type TestRelay } from './helpers/relay.js';

const BUNDLE = 'export class SantaChat extends HTMLElement {}\ncustomElements.define("santa-chat", SantaChat);\n';
const PANEL_CHUNK = 'export const renderPanel = () => null;\n';
const LOCALE = 'export default { send: "Senden" };\n';

/** The value of one Prometheus sample, e.g. `santa_chat_errors_total{code="FORBIDDEN"}`; 0 when absent. */
function sample(metrics: string, name: string): number {
  const line = metrics.split('\n').find((entry) => entry.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

describe('operations endpoints', () => {
  let relay: TestRelay;
  let bundleDir: string;

  before(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), 'santa-chat-bundle-'));
    await writeFile(join(bundleDir, 'santa-chat.js'), BUNDLE);
    await mkdir(join(bundleDir, 'chunks'));
    await mkdir(join(bundleDir, 'locales'));
    await writeFile(join(bundleDir, 'chunks', 'panel-Ab1_c2.js'), PANEL_CHUNK);
    await writeFile(join(bundleDir, 'chunks', 'panel-Ab1_c2.js.map'), '{}');
    await writeFile(join(bundleDir, 'locales', 'de.js'), LOCALE);
    await writeFile(join(bundleDir, 'secret.js'), 'the relay must not serve this');
    relay = await startTestRelay({ widgetBundlePath: join(bundleDir, 'santa-chat.js') });
  });
  after(async () => {
    await relay.stop();
    await rm(bundleDir, { recursive: true, force: true });
  });

  it('GET /healthz answers 200 { ok: true } without a token', async () => {
    const health = await request<{ ok: boolean }>(`${relay.url}/healthz`);
    assert.equal(health.status, 200);
    assert.match(health.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(health.body.ok, true);
  });

  it('GET /metrics (with the admin token) is Prometheus text with stored messages and refusals by code', async () => {
    const before = await request(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    assert.equal(before.status, 200);
    assert.match(before.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(before.text, /^# HELP santa_chat_messages_stored_total /m);
    assert.match(before.text, /^# TYPE santa_chat_messages_stored_total counter$/m);
    assert.match(before.text, /^# TYPE santa_chat_errors_total counter$/m);

    assert.equal((await relay.putGroup('office', threeGroup())).status, 201);
    const alice = asParticipant(relay.url, relay.token('alice'));
    const { conversation } = (await alice.post<ConversationResponse>('/groups/office/conversation')).body;
    const { client } = await TestClient.ready(relay.wsUrl, relay.token('alice'));
    try {
      await sendMessage(client, conversation.id, 'counted');
    } finally {
      await client.close();
    }
    assertError(await alice.get('/conversations/c_not-mine/messages'), 403, 'FORBIDDEN');
    assertError(await request(`${relay.url}/conversations`), 401, 'UNAUTHENTICATED');
    assertError(await request(`${relay.url}/conversations`), 401, 'UNAUTHENTICATED');

    const afterwards = await relay.metricsText();
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

  it('answers a request Node cannot even read (bad Host, bad path) 400 BAD_REQUEST with the JSON body', async () => {
    const { port } = new URL(relay.url);
    const raw = (head: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(`${head}\r\nConnection: close\r\n\r\n`));
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    for (const head of ['GET /healthz HTTP/1.1\r\nHost: exa mple', 'GET /\\\\evil HTTP/1.1\r\nHost: 127.0.0.1']) {
      const [status, body] = (await raw(head)).split('\r\n\r\n');
      assert.match(status ?? '', /^HTTP\/1\.1 400 /, head);
      assert.equal((JSON.parse(body ?? '') as { error: { code: string } }).error.code, 'BAD_REQUEST', head);
    }
    // The control: the same connection handling serves a well-formed request.
    assert.match(await raw('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1'), /^HTTP\/1\.1 200 /);
  });

  it('answers unknown routes with 404 NOT_FOUND in the error body', async () => {
    assertError(await request(`${relay.url}/nope`), 404, 'NOT_FOUND');
    assertError(await request(`${relay.url}/admin/nope`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }), 404, 'NOT_FOUND');
    assertError(await request(`${relay.url}/healthz`, { method: 'POST' }), 404, 'NOT_FOUND');
    const authenticated = asParticipant(relay.url, relay.token('alice'));
    assertError(await authenticated.get('/conversations/c_x/attachments'), 404, 'NOT_FOUND');
    assertError(await authenticated.get('/groups/office/conversation'), 404, 'NOT_FOUND');
  });
});

describe('GET /santa-chat.js before the widget is built', () => {
  let relay: TestRelay;

  before(async () => {
    relay = await startTestRelay({ widgetBundlePath: join(tmpdir(), 'santa-chat-missing', 'santa-chat.js') });
  });
  after(() => relay.stop());

  it('is 404 NOT_FOUND with a message that says how to build it', async () => {
    const error = assertError(await request(`${relay.url}/santa-chat.js`), 404, 'NOT_FOUND');
    assert.match(error.message, /npm run build/);
  });
});
