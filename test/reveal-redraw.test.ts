/**
 * A group reused next year (docs/decisions/0012-reveal-per-pair.md): last year's exchange was
 * revealed, then the host PUTs a new raffle under the same group id with a new `revealAt`. The
 * new pairs stay anonymous until that date over HTTP, READY, CONVERSATION and HISTORY, on SQLite
 * and on PostgreSQL, and REVEAL is pushed at the new date. Every byte the new giftee receives
 * before then is scanned for the new santa's id and name.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Conversation } from '../protocol/index.js';
import { TestClient } from './helpers/client.js';
import { callAs } from './helpers/http.js';
import { startTestRelay, type TestRelay } from './helpers/relay.js';
import { checkPostgres, reportUnavailable, TEST_DATABASE_URL } from './helpers/services.js';

const GROUP = 'office';
const people = [
  { id: 'alice', name: 'Alice Liddell' },
  { id: 'bob', name: 'Bob Builder' },
  { id: 'cleo', name: 'Cleo Patra' },
];
/** Last year: alice -> bob -> cleo -> alice. This year: alice -> cleo -> bob -> alice. */
const lastYear = [
  { santa: 'alice', giftee: 'bob' },
  { santa: 'bob', giftee: 'cleo' },
  { santa: 'cleo', giftee: 'alice' },
];
const thisYear = [
  { santa: 'alice', giftee: 'cleo' },
  { santa: 'cleo', giftee: 'bob' },
  { santa: 'bob', giftee: 'alice' },
];

function group(assignments: typeof lastYear, revealAt: number) {
  return { name: 'Office', revealAt: new Date(revealAt).toISOString(), members: people, assignments };
}

async function put(relay: TestRelay, body: unknown): Promise<void> {
  const response = await relay.putGroup(GROUP, body);
  assert.ok(response.ok, `PUT ${response.status}: ${await response.text()}`);
}

async function open(relay: TestRelay, userId: string, withRole: 'santa' | 'giftee'): Promise<Conversation> {
  const result = await callAs<{ conversation: Conversation }>(relay, userId, 'POST', `/groups/${GROUP}/conversation`, { with: withRole });
  assert.ok(result.status === 200 || result.status === 201, `POST conversation: ${result.status}`);
  return result.body.conversation;
}

function assertNamesNobody(text: string, what: string): void {
  for (const secret of ['alice', 'Alice']) assert.ok(!text.includes(secret), `${what} names the new santa: ${text}`);
}

async function reuseGroupAfterReveal(relay: TestRelay): Promise<void> {
  // Last year, revealed: cleo saw bob as her santa.
  await put(relay, group(lastYear, Date.now() - 3_600_000));
  const lastYearView = await open(relay, 'cleo', 'santa');
  assert.equal(lastYearView.revealed, true);
  assert.equal(lastYearView.peer.name, 'Bob Builder');

  // This year: a new raffle, revealed a few seconds from now.
  const revealAt = Date.now() + 4000;
  await put(relay, group(thisYear, revealAt));

  const { client: cleo, ready } = await TestClient.ready(relay.wsUrl, relay.token('cleo'));
  const { client: alice } = await TestClient.ready(relay.wsUrl, relay.token('alice'));
  try {
    assert.deepEqual(ready.conversations, [], 'last year’s conversations are closed');
    const viaHttp = await open(relay, 'cleo', 'santa');
    assert.equal(viaHttp.revealed, false);
    assert.deepEqual(viaHttp.peer, { id: viaHttp.participants[0], name: 'Secret Santa', anonymous: true });
    assertNamesNobody(JSON.stringify(viaHttp), 'POST /groups/:id/conversation');

    const aliceView = await open(relay, 'alice', 'giftee');
    assert.equal(aliceView.id, viaHttp.id);
    const clientId = randomUUID();
    alice.send({ type: 'NEW_MESSAGE', conversationId: aliceView.id, content: 'What size do you wear?', clientId });
    await alice.next('ACK', (ack) => ack.clientId === clientId);
    await cleo.next('NEW_MESSAGE', (frame) => frame.conversationId === viaHttp.id);

    cleo.send({ type: 'SYNC', conversationId: viaHttp.id, after: 0 });
    const history = await cleo.next('HISTORY');
    assert.equal(history.messages[0]?.senderId, viaHttp.peer.id);
    cleo.send({ type: 'AUTH', token: relay.token('cleo') });
    const renewed = await cleo.next('READY', (frame) => frame.conversations.length > 0);
    assert.equal(renewed.conversations[0]?.revealed, false);

    const listed = await callAs<{ conversations: Conversation[] }>(relay, 'cleo', 'GET', '/conversations');
    assert.equal(listed.body.conversations.find((entry) => entry.id === viaHttp.id)?.revealed, false);
    const page = await callAs<unknown>(relay, 'cleo', 'GET', `/conversations/${viaHttp.id}/messages`);
    for (const [what, text] of [
      ['GET /conversations', JSON.stringify(listed.body)],
      ['GET messages', JSON.stringify(page.body)],
      ['the socket', cleo.raw.join('\n')],
    ] as const) {
      assertNamesNobody(text, what);
    }
    assert.ok(
      cleo.raw.some((text) => text.includes('"type":"CONVERSATION"')),
      'the CONVERSATION frame of the opening was scanned too',
    );

    // At the new date both sides are told, and from then on the names are there.
    const reveal = await cleo.next('REVEAL', (frame) => frame.conversationId === viaHttp.id, 8000);
    assert.ok(Date.now() >= revealAt, 'not before the new revealAt');
    assert.deepEqual(reveal.peer, { id: 'alice', name: 'Alice Liddell', anonymous: false });
    const after = await callAs<{ conversations: Conversation[] }>(relay, 'cleo', 'GET', '/conversations');
    assert.equal(after.body.conversations.find((entry) => entry.id === viaHttp.id)?.revealed, true);
  } finally {
    await Promise.all([cleo.close(), alice.close()]);
  }
}

describe('a group reused after its reveal', () => {
  test('SQLite: the new pairs stay anonymous until the new revealAt, then REVEAL comes', { timeout: 30_000 }, async () => {
    const relay = await startTestRelay();
    try {
      await reuseGroupAfterReveal(relay);
    } finally {
      await relay.stop();
    }
  });
});

const postgres = await checkPostgres();
if (postgres.available) {
  describe('a group reused after its reveal, on PostgreSQL', () => {
    test('PostgreSQL: the new pairs stay anonymous until the new revealAt, then REVEAL comes', { timeout: 30_000 }, async () => {
      const schema = `redraw_${randomUUID().replaceAll('-', '')}`;
      const url = new URL(TEST_DATABASE_URL);
      url.searchParams.set('schema', schema);
      const relay = await startTestRelay({ config: { databaseUrl: url.toString() } });
      try {
        await reuseGroupAfterReveal(relay);
      } finally {
        await relay.stop();
        const pg = (await import('pg')).default;
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    });
  });
} else {
  reportUnavailable(postgres);
}
