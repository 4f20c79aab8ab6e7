/**
 * The demo (`demo/server/`, what `npm start` runs): the seeded group, the demo's pages
 * and its token endpoint. None of it exists outside demo mode; restarts keep history and
 * secrets; "Reveal now" goes through the admin API, so the relay pushes REVEAL.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ConversationListResponse, ConversationResponse, HistoryResponse } from '../../protocol/index.js';
import { verifyParticipantToken } from '../../server/src/auth/jwt.js';
import { loadDemoConfig, type DemoConfig } from './config.js';
import type { DemoPeopleResponse } from './routes.js';
import { startDemo, type RunningDemo } from './start.js';
import { createLogger } from '../../server/src/core/logger.js';
import { TestClient } from '../../test/helpers/client.js';
import { asParticipant, assertError, request, sendMessage } from '../../test/helpers/http.js';
import { DEMO_MAIN, spawnRelay, type RelayProcess } from '../../test/helpers/process.js';
import { startTestRelay, type TestRelay } from '../../test/helpers/relay.js';

const DEMO_DIR = fileURLToPath(new URL('../', import.meta.url));

type Person = DemoPeopleResponse['people'][number];

async function people(url: string): Promise<DemoPeopleResponse> {
  const result = await request<DemoPeopleResponse>(`${url}/demo/api/people`);
  assert.equal(result.status, 200, result.text);
  return result.body;
}

async function demoToken(url: string, userId: string): Promise<string> {
  const result = await request<{ token: string }>(`${url}/demo/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  assert.equal(result.status, 200, result.text);
  return result.body.token;
}

const post = (url: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  request(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

function assertOneCycle(list: Person[]): void {
  const gifteeOf = new Map(list.map((person) => [person.id, person.giftee]));
  assert.deepEqual(new Set(list.map((person) => person.giftee)), new Set(gifteeOf.keys()));
  for (const person of list) {
    assert.ok(person.giftee && person.santa, `${person.id} gives and receives`);
    assert.notEqual(person.giftee, person.id);
    assert.notEqual(gifteeOf.get(person.giftee), person.id, 'no pair gives to each other');
    assert.equal(list.find((other) => other.id === person.giftee)?.santa, person.id);
  }
}

/** The first person, their giftee, and each of their tokens. */
async function pair(url: string): Promise<{ santa: Person; giftee: Person; santaToken: string; gifteeToken: string }> {
  const { people: list } = await people(url);
  const santa = list[0] as Person;
  const giftee = list.find((person) => person.id === santa.giftee) as Person;
  return { santa, giftee, santaToken: await demoToken(url, santa.id), gifteeToken: await demoToken(url, giftee.id) };
}

// A real relay, not createTestApp(): what must hold is that startRelay (the production assembly) mounts no demo.
describe('outside demo mode', () => {
  let relay: TestRelay;

  before(async () => {
    relay = await startTestRelay();
  });

  after(async () => {
    await relay.stop();
  });

  it('has no demo pages and no demo API (404)', async () => {
    for (const path of ['/', '/index.html', '/pane.html', '/demo.css', '/demo/api/people']) {
      assertError(await request(`${relay.url}${path}`), 404, 'NOT_FOUND');
    }
    for (const path of ['/demo/api/token', '/demo/api/reveal', '/demo/api/reset']) {
      assertError(await post(relay.url, path, { userId: 'alice' }), 404, 'NOT_FOUND');
    }
  });
});

describe('demo mode', () => {
  let dataDir: string;
  let relay: RunningDemo;
  let config: DemoConfig;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-demo-'));
    config = loadDemoConfig({ SANTA_CHAT_DATA_DIR: dataDir, PORT: '0' });
    relay = await startDemo(config, { logger: createLogger('silent') });
  });

  after(async () => {
    await relay.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds five or six people with a raffle that is one cycle, revealed a few days ahead', async () => {
    const { group, people: list } = await people(relay.url);
    assert.ok(list.length >= 5 && list.length <= 6);
    assertOneCycle(list);
    assert.equal(group.revealed, false);
    const ahead = Date.parse(group.revealAt) - Date.now();
    assert.ok(ahead > 24 * 3600 * 1000 && ahead < 5 * 24 * 3600 * 1000, `reveal in ${ahead} ms`);
  });

  it('mints working tokens for the seeded people only', async () => {
    const { people: list, group } = await people(relay.url);
    const person = list[1] as Person;
    const token = await demoToken(relay.url, person.id);
    const check = await verifyParticipantToken(token, { secret: config.jwtSecret });
    assert.ok(check.ok && check.userId === person.id);
    const listed = await asParticipant(relay.url, token).get<ConversationListResponse>('/conversations');
    assert.equal(listed.status, 200);
    const opened = await asParticipant(relay.url, token).post<ConversationResponse>(`/groups/${group.id}/conversation`);
    assert.equal(opened.body.conversation.peer.id, person.giftee);

    assertError(await post(relay.url, '/demo/api/token', { userId: 'mallory' }), 403, 'FORBIDDEN');
    assertError(await post(relay.url, '/demo/api/token', {}), 400, 'BAD_REQUEST', 'userId');
    assertError(await post(relay.url, '/demo/api/token', { userId: person.id }, { origin: 'https://evil.example' }), 403, 'FORBIDDEN');
  });

  it('serves the demo pages under a strict Content-Security-Policy, and nothing else from demo/', async () => {
    const page = await request(`${relay.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.text, /<santa-chat|Jolly Swap/);
    const policy = page.headers.get('content-security-policy') ?? '';
    assert.match(policy, /default-src 'self'/);
    assert.match(policy, new RegExp(`connect-src 'self' ws://localhost:${relay.port} ws://127\\.0\\.0\\.1:${relay.port}`));
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
    assert.match((await request(`${relay.url}/demo.css`)).headers.get('content-type') ?? '', /^text\/css/);
    assert.equal((await request(`${relay.url}/santa-chat.js`)).status === 404, false, 'the widget is served beside the pages');
    for (const path of ['/start.mjs', '/..%2Fpackage.json', '/%2e%2e/package.json', '/missing.html', '/demo/start.mjs']) {
      assert.equal((await request(`${relay.url}${path}`)).status, 404, path);
    }
  });

  it('has pages with no inline script or style, so the policy needs no exception', () => {
    for (const file of readdirSync(DEMO_DIR).filter((name) => name.endsWith('.html'))) {
      const html = readFileSync(join(DEMO_DIR, file), 'utf8');
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${file} has an inline script`);
      assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, `${file} has an inline style or handler`);
    }
  });

  it('"Reveal now" goes through the admin API, so the giftee is pushed the names', async () => {
    const { santa, santaToken, gifteeToken } = await pair(relay.url);
    const { group } = await people(relay.url);
    const opened = await asParticipant(relay.url, santaToken).post<ConversationResponse>(`/groups/${group.id}/conversation`);
    const conversationId = opened.body.conversation.id;
    const { client, ready } = await TestClient.ready(`${relay.url.replace('http', 'ws')}/ws`, gifteeToken);
    try {
      const before = ready.conversations.find((conversation) => conversation.id === conversationId);
      assert.deepEqual(before?.peer.anonymous, true);
      assert.ok(!client.raw.join('').includes(santa.name));

      const reveal = await post(relay.url, '/demo/api/reveal');
      assert.equal(reveal.status, 200, reveal.text);
      const frame = await client.next('REVEAL', (candidate) => candidate.conversationId === conversationId);
      assert.deepEqual(frame.peer, { id: santa.id, name: santa.name, anonymous: false });
      assert.equal((await people(relay.url)).group.revealed, true);
    } finally {
      await client.close();
    }
  });

  it('"Reset demo" erases every conversation and draws again', async () => {
    const { santaToken, gifteeToken } = await pair(relay.url);
    const { group } = await people(relay.url);
    const opened = await asParticipant(relay.url, santaToken).post<ConversationResponse>(`/groups/${group.id}/conversation`);
    const { client } = await TestClient.ready(`${relay.url.replace('http', 'ws')}/ws`, santaToken);
    await sendMessage(client, opened.body.conversation.id, 'before the reset');
    await client.close();

    const reset = await post(relay.url, '/demo/api/reset');
    assert.equal(reset.status, 200, reset.text);
    const after = await people(relay.url);
    assertOneCycle(after.people);
    assert.equal(after.group.revealed, false, 'a fresh group is not revealed');
    for (const token of [santaToken, gifteeToken]) {
      const listed = await asParticipant(relay.url, token).get<ConversationListResponse>('/conversations');
      assert.deepEqual(listed.body.conversations, []);
    }
  });
});

describe('demo mode across restarts', () => {
  let dataDir: string;
  let relay: RelayProcess | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-demo-restart-'));
  });

  after(async () => {
    relay?.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the group, the history and the secrets, so earlier tokens still work', async () => {
    const env = { SANTA_CHAT_DATA_DIR: dataDir };
    relay = await spawnRelay(env, DEMO_MAIN);
    assert.match(relay.stdout(), /santa-chat demo: http:\/\/localhost:\d+\//);
    const first = await people(relay.url);
    const { santaToken } = await pair(relay.url);
    const opened = await asParticipant(relay.url, santaToken).post<ConversationResponse>(`/groups/${first.group.id}/conversation`);
    const conversationId = opened.body.conversation.id;
    const { client } = await TestClient.ready(`${relay.url.replace('http', 'ws')}/ws`, santaToken);
    await sendMessage(client, conversationId, 'kept across restarts');
    await client.close();
    const secretsPath = join(dataDir, 'demo-secrets.json');
    const secrets = readFileSync(secretsPath, 'utf8');
    assert.equal(statSync(secretsPath).mode & 0o777, 0o600);

    relay.child.kill('SIGTERM');
    assert.equal(await relay.exited, 0);
    relay = await spawnRelay(env, DEMO_MAIN);

    assert.equal(readFileSync(secretsPath, 'utf8'), secrets);
    const second = await people(relay.url);
    assert.deepEqual(second, first, 'not seeded again');
    const history = await asParticipant(relay.url, santaToken).get<HistoryResponse>(`/conversations/${conversationId}/messages`);
    assert.equal(history.status, 200, 'the token minted before the restart still works');
    assert.deepEqual(
      history.body.messages.map((message) => message.content),
      ['kept across restarts'],
    );
  });
});

describe('demo webhooks', () => {
  let dataDir: string;
  let relay: RunningDemo;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-demo-webhooks-'));
    relay = await startDemo(loadDemoConfig({ SANTA_CHAT_DATA_DIR: dataDir, PORT: '0', SANTA_CHAT_NOTIFY_AFTER_MS: '1000' }), {
      logger: createLogger('silent'),
    });
  });

  after(async () => {
    await relay.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows what Jolly Swap would email: the notice (anonymous) and the report, each signature verified', async () => {
    const { santa, giftee, santaToken, gifteeToken } = await pair(relay.url);
    const opened = await asParticipant(relay.url, santaToken).post('/groups/office-party/conversation', { with: 'giftee' });
    const conversationId = (opened.body as ConversationResponse).conversation.id;
    const { client: santaSocket } = await TestClient.ready(`${relay.url.replace('http', 'ws')}/ws`, santaToken);
    const { client: gifteeSocket } = await TestClient.ready(`${relay.url.replace('http', 'ws')}/ws`, gifteeToken);
    try {
      const ack = await sendMessage(santaSocket, conversationId, 'Any allergies?');
      gifteeSocket.send({ type: 'REPORT', conversationId, messageId: ack.id, reason: 'Testing' });
      await gifteeSocket.next('REPORTED');
      type Emails = { enabled: boolean; emails: { type: string; to: string; subject: string; body: string; signatureVerified: boolean }[] };
      let emails: Emails['emails'] = [];
      for (let round = 0; round < 50 && emails.length < 2; round += 1) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        emails = (await request<Emails>(`${relay.url}/demo/api/webhooks`)).body.emails;
      }
      const notice = emails.find((email) => email.type === 'message.unread');
      const report = emails.find((email) => email.type === 'message.reported');
      assert.ok(notice && report, JSON.stringify(emails));
      assert.equal(notice.to, giftee.name);
      assert.match(notice.subject, /^Secret Santa sent you a message/);
      assert.ok(!`${notice.subject}${notice.body}`.includes(santa.name), 'the notice does not name the santa');
      assert.ok(notice.signatureVerified && report.signatureVerified);
      assert.equal(report.to, 'The organizer');
      assert.match(report.subject, new RegExp(`${giftee.name} reported a message from ${santa.name}`));
      assert.match(report.body, /Any allergies\?/);
    } finally {
      await santaSocket.close();
      await gifteeSocket.close();
    }
  });

  it('refuses a delivery whose signature does not verify', async () => {
    const forged = await post(relay.url, '/demo/api/webhooks', { type: 'group.revealed', timestamp: 'x', data: {} }, {
      'webhook-id': 'msg_forged',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': 'v1,Zm9yZ2Vk',
    });
    assert.equal(forged.status, 400);
  });
});
