/**
 * docs/protocol.md §3 REVEAL and §4 (reveal is decided by the clock, one-way, and announced at
 * `revealAt` to the sockets connected then), over a real relay and real time.
 *
 * The raffle is alice -> bob -> cleo -> alice: in the conversation alice -> bob, alice is the
 * santa and bob the giftee who sees her as an alias until the reveal.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Conversation, RevealFrame } from '../protocol/index.js';
import { TestClient, sleep } from './helpers/client.js';
import { callAs } from './helpers/http.js';
import { startTestRelay, threeGroup, type TestRelay, type TestRelayOptions } from './helpers/relay.js';

const GROUP = 'office';
const ALICE = { id: 'alice', name: 'Alice' };
const BOB = { id: 'bob', name: 'Bob' };
const CLEO = { id: 'cleo', name: 'Cleo' };

/** One relay and the clients opened on it, closed and stopped whatever happens. */
class Session {
  readonly clients: TestClient[] = [];
  constructor(readonly relay: TestRelay) {}

  async ready(userId: string) {
    const { client, ready } = await TestClient.ready(this.relay.wsUrl, this.relay.token(userId));
    this.clients.push(client);
    return { client, ready };
  }

  async api<T>(userId: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return callAs<T>(this.relay, userId, method, path, body);
  }

  /** POST /groups/office/conversation; returns the conversation as `userId` sees it. */
  async open(userId: string, withRole: 'giftee' | 'santa'): Promise<Conversation> {
    const result = await this.api<{ conversation: Conversation }>(userId, 'POST', `/groups/${GROUP}/conversation`, { with: withRole });
    assert.ok(result.status === 200 || result.status === 201, `POST conversation: ${result.status}`);
    return result.body.conversation;
  }

  async list(userId: string): Promise<Conversation[]> {
    const result = await this.api<{ conversations: Conversation[] }>(userId, 'GET', '/conversations');
    assert.equal(result.status, 200);
    return result.body.conversations;
  }

  async put(body: unknown, status = 200): Promise<void> {
    const response = await this.relay.putGroup(GROUP, body);
    assert.equal(response.status, status, await response.text());
  }

  async closeClients(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
  }
}

async function withRelay(run: (session: Session) => Promise<void>, options: TestRelayOptions = {}): Promise<void> {
  const session = new Session(await startTestRelay(options));
  try {
    await run(session);
  } finally {
    await session.closeClients();
    await session.relay.stop();
  }
}

const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();

async function send(client: TestClient, conversationId: string, content: string): Promise<void> {
  const clientId = randomUUID();
  client.send({ type: 'NEW_MESSAGE', conversationId, content, clientId });
  await client.next('ACK', (ack) => ack.clientId === clientId);
}

async function history(client: TestClient, conversationId: string) {
  client.send({ type: 'SYNC', conversationId, after: 0 });
  return client.next('HISTORY', (frame) => frame.conversationId === conversationId);
}

async function reauth(session: Session, client: TestClient, userId: string) {
  // A group PUT sends its members a fresh READY unasked: the answer to this AUTH comes after it.
  client.skip('READY');
  client.send({ type: 'AUTH', token: session.relay.token(userId) });
  return client.next('READY');
}

/** Waits for the REVEAL of `conversationId` and returns it with the instant it arrived. */
async function nextReveal(client: TestClient, conversationId: string, timeoutMs: number): Promise<{ frame: RevealFrame; at: number }> {
  const frame = await client.next('REVEAL', (candidate) => candidate.conversationId === conversationId, timeoutMs);
  return { frame, at: Date.now() };
}

function assertAnonymous(conversation: Conversation | undefined, alias: string): void {
  assert.ok(conversation);
  assert.equal(conversation.role, 'giftee');
  assert.equal(conversation.revealed, false);
  assert.deepEqual(conversation.peer, { id: alias, name: 'Secret Santa', anonymous: true });
  assert.deepEqual(conversation.participants, [alias, BOB.id]);
  assert.ok(!JSON.stringify(conversation).includes(ALICE.name));
}

function assertRevealed(conversation: Conversation | undefined): void {
  assert.ok(conversation);
  assert.equal(conversation.role, 'giftee');
  assert.equal(conversation.revealed, true);
  assert.deepEqual(conversation.peer, { id: ALICE.id, name: ALICE.name, anonymous: false });
  assert.deepEqual(conversation.participants, [ALICE.id, BOB.id]);
}

describe('REVEAL', () => {
  test('at revealAt both participants get REVEAL once; from then on the giftee sees the real santa', { timeout: 20_000 }, async () => {
    await withRelay(async (session) => {
      const revealAt = Date.now() + 4000; // room for the set-up on a loaded machine
      await session.put(threeGroup({ revealAt: new Date(revealAt).toISOString() }), 201);
      const aliceView = await session.open(ALICE.id, 'giftee');
      const bobView = await session.open(BOB.id, 'santa');
      const conversationId = aliceView.id;
      assert.equal(bobView.id, conversationId);
      const alias = bobView.peer.id;
      assert.match(alias, /^s_/);

      const { client: alice } = await session.ready(ALICE.id);
      const { client: bob, ready: bobReady } = await session.ready(BOB.id);
      const { client: cleo } = await session.ready(CLEO.id);
      assertAnonymous(bobReady.conversations.find((conversation) => conversation.id === conversationId), alias);

      await send(alice, conversationId, 'ho ho ho');
      await send(bob, conversationId, 'who are you?');
      const before = await history(bob, conversationId);
      assert.deepEqual(before.messages.map((message) => message.senderId), [alias, BOB.id]);
      assert.ok(Date.now() < revealAt, 'the setup took longer than the time to revealAt');
      assert.equal(bob.all('REVEAL').length, 0, 'REVEAL before revealAt');

      const [toBob, toAlice] = await Promise.all([
        nextReveal(bob, conversationId, revealAt - Date.now() + 2000),
        nextReveal(alice, conversationId, revealAt - Date.now() + 2000),
      ]);
      assert.ok(toBob.at >= revealAt, `REVEAL ${revealAt - toBob.at} ms early`);
      assert.ok(toAlice.at >= revealAt, `REVEAL ${revealAt - toAlice.at} ms early`);
      assert.deepEqual(toBob.frame, {
        type: 'REVEAL',
        conversationId,
        alias,
        participants: [ALICE.id, BOB.id],
        peer: { id: ALICE.id, name: ALICE.name, anonymous: false },
      });
      assert.deepEqual(toAlice.frame, {
        type: 'REVEAL',
        conversationId,
        alias,
        participants: [ALICE.id, BOB.id],
        peer: { id: BOB.id, name: BOB.name, anonymous: false },
      });

      // After it: HISTORY, READY, the list and new messages name alice.
      const afterHistory = await history(bob, conversationId);
      assert.deepEqual(afterHistory.messages.map((message) => message.senderId), [ALICE.id, BOB.id]);
      assertRevealed((await reauth(session, bob, BOB.id)).conversations.find((conversation) => conversation.id === conversationId));
      assertRevealed((await session.list(BOB.id)).find((conversation) => conversation.id === conversationId));
      await send(alice, conversationId, 'it was me');
      const live = await bob.next('NEW_MESSAGE', (frame) => frame.content === 'it was me');
      assert.equal(live.senderId, ALICE.id);

      // A socket that connects after revealAt: no REVEAL, READY says it all.
      const { client: lateBob, ready: lateReady } = await session.ready(BOB.id);
      assertRevealed(lateReady.conversations.find((conversation) => conversation.id === conversationId));

      await sleep(500);
      assert.equal(alice.all('REVEAL').length, 1, 'alice: exactly one REVEAL');
      assert.equal(bob.all('REVEAL').length, 1, 'bob: exactly one REVEAL');
      assert.equal(lateBob.all('REVEAL').length, 0, 'a socket opened after revealAt gets no REVEAL');
      assert.equal(cleo.all('REVEAL').length, 0, 'cleo has no open conversation: no REVEAL');

      // One-way: moving revealAt into the future again hides nothing.
      await session.put(threeGroup({ revealAt: inMs(7 * 24 * 3600 * 1000) }));
      await sleep(100);
      assertRevealed((await reauth(session, bob, BOB.id)).conversations.find((conversation) => conversation.id === conversationId));
      assertRevealed((await session.list(BOB.id)).find((conversation) => conversation.id === conversationId));
      assert.deepEqual((await history(bob, conversationId)).messages.map((message) => message.senderId), [ALICE.id, BOB.id, ALICE.id]);
      assert.equal(bob.all('REVEAL').length, 1, 'no second REVEAL');
    });
  });

  test('reveal is one-way when revealAt had passed before any timer, too', { timeout: 10_000 }, async () => {
    await withRelay(async (session) => {
      await session.put(threeGroup({ revealAt: inMs(-60_000) }), 201);
      const conversation = await session.open(BOB.id, 'santa');
      assertRevealed(conversation);
      const { client: bob, ready } = await session.ready(BOB.id);
      assertRevealed(ready.conversations[0]);

      await session.put(threeGroup({ revealAt: inMs(7 * 24 * 3600 * 1000) }));
      assertRevealed((await reauth(session, bob, BOB.id)).conversations[0]);
      assertRevealed((await session.list(BOB.id))[0]);
      assertRevealed(await session.open(BOB.id, 'santa'));
      await sleep(200);
      assert.equal(bob.all('REVEAL').length, 0, 'revealed before the socket connected: no REVEAL');
    });
  });

  test('a PUT that moves a future revealAt into the past pushes REVEAL at once', { timeout: 10_000 }, async () => {
    await withRelay(async (session) => {
      await session.put(threeGroup(), 201);
      const { id: conversationId } = await session.open(ALICE.id, 'giftee');
      const { client: alice } = await session.ready(ALICE.id);
      const { client: bob, ready } = await session.ready(BOB.id);
      const alias = ready.conversations[0]!.peer.id;
      assertAnonymous(ready.conversations[0], alias);

      const putAt = Date.now();
      await session.put(threeGroup({ revealAt: inMs(-1000) }));
      const [toBob, toAlice] = await Promise.all([nextReveal(bob, conversationId, 1000), nextReveal(alice, conversationId, 1000)]);
      assert.ok(toBob.at - putAt < 1000, 'REVEAL was not pushed at once');
      assert.deepEqual(toBob.frame.peer, { id: ALICE.id, name: ALICE.name, anonymous: false });
      assert.equal(toBob.frame.alias, alias);
      assert.deepEqual(toBob.frame.participants, [ALICE.id, BOB.id]);
      assert.deepEqual(toAlice.frame.peer, { id: BOB.id, name: BOB.name, anonymous: false });
      assertRevealed((await reauth(session, bob, BOB.id)).conversations[0]);

      await sleep(300);
      assert.equal(bob.all('REVEAL').length, 1);
      assert.equal(alice.all('REVEAL').length, 1);
    });
  });

  test('a PUT that moves revealAt further into the future re-arms: nothing at the old instant', { timeout: 15_000 }, async () => {
    await withRelay(async (session) => {
      const oldRevealAt = Date.now() + 1200;
      const newRevealAt = oldRevealAt + 1600;
      await session.put(threeGroup({ revealAt: new Date(oldRevealAt).toISOString() }), 201);
      const { id: conversationId } = await session.open(ALICE.id, 'giftee');
      const { client: alice } = await session.ready(ALICE.id);
      const { client: bob, ready } = await session.ready(BOB.id);
      const alias = ready.conversations[0]!.peer.id;
      await session.put(threeGroup({ revealAt: new Date(newRevealAt).toISOString() }));
      assert.ok(Date.now() < oldRevealAt, 'the setup took longer than the time to the old revealAt');

      await sleep(oldRevealAt + 600 - Date.now());
      assert.equal(bob.all('REVEAL').length, 0, 'REVEAL at the old instant');
      assert.equal(alice.all('REVEAL').length, 0, 'REVEAL at the old instant');
      assertAnonymous((await reauth(session, bob, BOB.id)).conversations[0], alias);
      assertAnonymous((await session.list(BOB.id))[0], alias);

      const toBob = await nextReveal(bob, conversationId, newRevealAt - Date.now() + 2000);
      assert.ok(toBob.at >= newRevealAt, `REVEAL ${newRevealAt - toBob.at} ms before the new revealAt`);
      assert.equal(toBob.frame.alias, alias);
      await nextReveal(alice, conversationId, 1000);
      assertRevealed((await reauth(session, bob, BOB.id)).conversations[0]);
      await sleep(300);
      assert.equal(bob.all('REVEAL').length, 1);
      assert.equal(alice.all('REVEAL').length, 1);
    });
  });

  test('a relay restarted before revealAt still pushes REVEAL at revealAt', { timeout: 20_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-reveal-'));
    try {
      const revealAt = Date.now() + 2500;
      let alias: string;
      let conversationId: string;
      {
        const first = new Session(await startTestRelay({ dataDir }));
        try {
          await first.put(threeGroup({ revealAt: new Date(revealAt).toISOString() }), 201);
          conversationId = (await first.open(ALICE.id, 'giftee')).id;
          alias = (await first.open(BOB.id, 'santa')).peer.id;
        } finally {
          await first.relay.stop(); // with `dataDir` given, stop keeps the files
        }
      }
      await withRelay(
        async (session) => {
          const { client: alice } = await session.ready(ALICE.id);
          const { client: bob, ready } = await session.ready(BOB.id);
          assertAnonymous(ready.conversations.find((conversation) => conversation.id === conversationId), alias);
          assert.ok(Date.now() < revealAt, 'the restart took longer than the time to revealAt');

          const [toBob, toAlice] = await Promise.all([
            nextReveal(bob, conversationId, revealAt - Date.now() + 2000),
            nextReveal(alice, conversationId, revealAt - Date.now() + 2000),
          ]);
          assert.ok(toBob.at >= revealAt && toAlice.at >= revealAt, 'REVEAL before revealAt');
          assert.equal(toBob.frame.alias, alias, 'the alias survives the restart');
          assert.deepEqual(toBob.frame.peer, { id: ALICE.id, name: ALICE.name, anonymous: false });
          assert.deepEqual(toAlice.frame.peer, { id: BOB.id, name: BOB.name, anonymous: false });
          await sleep(300);
          assert.equal(bob.all('REVEAL').length, 1);
        },
        { dataDir },
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('a PUT that re-draws and reveals at once reveals only the new pairs, never a closed one', { timeout: 10_000 }, async () => {
    await withRelay(async (session) => {
      const members = [ALICE, BOB, CLEO, { id: 'dan', name: 'Dan' }];
      const oldRaffle = [
        { santa: 'alice', giftee: 'bob' },
        { santa: 'bob', giftee: 'cleo' },
        { santa: 'cleo', giftee: 'dan' },
        { santa: 'dan', giftee: 'alice' },
      ];
      // Bob's santa becomes dan and his giftee cleo: alice, his old santa, is nobody to him now.
      const newRaffle = [
        { santa: 'alice', giftee: 'dan' },
        { santa: 'dan', giftee: 'bob' },
        { santa: 'bob', giftee: 'cleo' },
        { santa: 'cleo', giftee: 'alice' },
      ];
      await session.put(threeGroup({ members, assignments: oldRaffle }), 201);
      const { id: aliceBob } = await session.open(ALICE.id, 'giftee');
      const { client: alice } = await session.ready(ALICE.id);
      const { client: bob } = await session.ready(BOB.id);
      await send(alice, aliceBob, 'guess who');
      await bob.next('NEW_MESSAGE');

      await session.put(threeGroup({ members, assignments: newRaffle, revealAt: inMs(-1000) }));
      const closed = await bob.next('CONVERSATION', (frame) => frame.conversation.id === aliceBob);
      assert.equal(closed.conversation.closed, true);
      assert.equal(closed.conversation.peer.anonymous, true, `the closed pair was revealed: ${JSON.stringify(closed)}`);
      const fresh = await session.open(BOB.id, 'santa');
      assert.deepEqual(fresh.peer, { id: 'dan', name: 'Dan', anonymous: false }, 'the new pair is revealed');
      await reauth(session, bob, BOB.id);
      await sleep(200);
      assert.deepEqual(bob.all('REVEAL'), [], 'the closed conversation got REVEAL');
      for (const text of bob.raw) {
        assert.ok(!text.includes('alice') && !text.includes('Alice'), `bob learned his old santa: ${text}`);
      }
    });
  });

  test('after a re-draw, closed conversations get no REVEAL; the new ones do', { timeout: 15_000 }, async () => {
    await withRelay(async (session) => {
      const revealAt = Date.now() + 1500;
      const group = threeGroup({ revealAt: new Date(revealAt).toISOString() });
      await session.put(group, 201);
      const old = {
        aliceBob: (await session.open(ALICE.id, 'giftee')).id,
        bobCleo: (await session.open(BOB.id, 'giftee')).id,
        cleoAlice: (await session.open(CLEO.id, 'giftee')).id,
      };
      const { client: alice } = await session.ready(ALICE.id);
      const { client: bob } = await session.ready(BOB.id);
      const { client: cleo } = await session.ready(CLEO.id);

      // Re-draw: alice -> cleo -> bob -> alice. Every old pair is gone.
      await session.put({
        ...group,
        assignments: [
          { santa: 'alice', giftee: 'cleo' },
          { santa: 'cleo', giftee: 'bob' },
          { santa: 'bob', giftee: 'alice' },
        ],
      });
      for (const [client, ids] of [
        [alice, [old.aliceBob, old.cleoAlice]],
        [bob, [old.aliceBob, old.bobCleo]],
        [cleo, [old.bobCleo, old.cleoAlice]],
      ] as const) {
        for (const id of ids) {
          const closed = await client.next('CONVERSATION', (frame) => frame.conversation.id === id);
          assert.equal(closed.conversation.closed, true);
          if (closed.conversation.role === 'giftee') assert.equal(closed.conversation.peer.anonymous, true);
        }
      }
      const fresh = (await session.open(ALICE.id, 'giftee')).id;
      assert.ok(!Object.values(old).includes(fresh));
      assert.ok(Date.now() < revealAt, 'the setup took longer than the time to revealAt');

      const toCleo = await nextReveal(cleo, fresh, revealAt - Date.now() + 2000);
      assert.deepEqual(toCleo.frame.peer, { id: ALICE.id, name: ALICE.name, anonymous: false });
      await nextReveal(alice, fresh, 1000);
      await sleep(500);
      assert.deepEqual(alice.all('REVEAL').map((frame) => frame.conversationId), [fresh]);
      assert.deepEqual(cleo.all('REVEAL').map((frame) => frame.conversationId), [fresh]);
      assert.deepEqual(bob.all('REVEAL'), [], 'bob is only in closed conversations');
      // The closed conversations stay closed and out of the lists.
      assert.deepEqual((await session.list(BOB.id)).map((conversation) => conversation.id), []);
    });
  });
});
