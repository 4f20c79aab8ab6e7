/**
 * Three relay processes on ports of their own, sharing PostgreSQL and Redis (127.0.0.1:6379,
 * under a prefix of this run), with clients on different relays: they converse, dedupe, read
 * and reveal across them, `seq` stays gapless under concurrent senders on all three, and the
 * per-user limits hold across processes. Each case uses users of its own.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AckFrame, ErrorFrame, Message } from '../protocol/index.js';
import { sleep, TestClient } from './helpers/client.js';
import { checkRedis, TEST_REDIS_URL } from './helpers/redis.js';
import { RelayCluster, token } from './helpers/relay-cluster.js';
import { checkPostgres, reportUnavailable } from './helpers/services.js';

const RATE_MESSAGES = 20;

const [postgres, redis] = await Promise.all([checkPostgres(), checkRedis()]);
if (postgres.available && redis.available) defineTests();
else for (const status of [postgres, redis]) if (!status.available) reportUnavailable(status);

/** A three-member raffle with ids and names that no alias or random id can contain. */
function raffle(prefix: string, revealAt = new Date(Date.now() + 7 * 24 * 3600 * 1000)) {
  const santa = `${prefix}-santa`;
  const giftee = `${prefix}-giftee`;
  const third = `${prefix}-third`;
  return {
    groupId: prefix,
    santa,
    giftee,
    santaName: `${prefix} Santaname`,
    body: {
      name: `Group ${prefix}`,
      revealAt: revealAt.toISOString(),
      members: [
        { id: santa, name: `${prefix} Santaname` },
        { id: giftee, name: `${prefix} Gifteename` },
        { id: third, name: `${prefix} Thirdname` },
      ],
      assignments: [
        { santa, giftee },
        { santa: giftee, giftee: third },
        { santa: third, giftee: santa },
      ],
    },
  };
}

function closedWithin(client: TestClient, timeoutMs = 3000): Promise<number | 'still open'> {
  return Promise.race([client.closed, sleep(timeoutMs).then(() => 'still open' as const)]);
}

function defineTests(): void {
  describe('several relays behind one site', { timeout: 60_000 }, () => {
    let cluster: RelayCluster;
    const clients: TestClient[] = [];

    /** A ready socket of `userId` on relay `index`. */
    async function connect(userId: string, index: number): Promise<TestClient> {
      const { client } = await TestClient.ready(cluster.wsUrl(index), token(userId));
      clients.push(client);
      return client;
    }

    /** Stores the group through relay 0. */
    async function setUp(group: ReturnType<typeof raffle>): Promise<void> {
      assert.equal((await cluster.putGroup(group.groupId, group.body)).status, 201);
    }

    before(async () => {
      cluster = await RelayCluster.start({
        redisUrls: [TEST_REDIS_URL, TEST_REDIS_URL, TEST_REDIS_URL],
        env: { SANTA_CHAT_RATE_MESSAGES: String(RATE_MESSAGES), SANTA_CHAT_RATE_WINDOW_MS: '10000' },
      });
    });

    after(async () => {
      await Promise.all(clients.map((client) => client.close()));
      await cluster?.stop();
    });

    it('clients on different relays converse, with the santa hidden from the giftee', async () => {
      const group = raffle('converse');
      await setUp(group);
      const santaHere = await connect(group.santa, 0);
      const santaThere = await connect(group.santa, 2);
      const giftee = await connect(group.giftee, 1);

      const conversationId = await cluster.openConversation(group.santa, group.groupId, 0);
      const opened = await giftee.next('CONVERSATION');
      assert.equal(opened.conversation.id, conversationId);
      assert.equal(opened.conversation.peer.anonymous, true);
      await santaThere.next('CONVERSATION', (frame) => frame.conversation.id === conversationId);

      santaHere.send({ type: 'NEW_MESSAGE', conversationId, content: 'Hello from relay 0', clientId: 'converse-1' });
      const ack = await santaHere.next('ACK');
      const received = await giftee.next('NEW_MESSAGE');
      assert.equal(received.id, ack.id);
      assert.equal(received.seq, 1);
      assert.equal(received.content, 'Hello from relay 0');
      assert.equal(received.senderId, opened.conversation.peer.id, "the giftee sees the santa's alias");
      assert.equal(received.clientId, undefined, "the clientId goes only to the sender's own sockets");
      assert.equal((await santaThere.next('NEW_MESSAGE')).clientId, 'converse-1');

      giftee.send({ type: 'NEW_MESSAGE', conversationId, content: 'Hi from relay 1', clientId: 'converse-2' });
      for (const socket of [santaHere, santaThere]) {
        const reply = await socket.next('NEW_MESSAGE', (frame) => frame.seq === 2);
        assert.equal(reply.senderId, group.giftee);
      }

      santaThere.send({ type: 'TYPING', conversationId });
      const typing = await giftee.next('TYPING');
      assert.equal(typing.senderId, opened.conversation.peer.id);

      await sleep(300);
      // A sending socket has its own message from its ACK (docs/protocol.md).
      assert.deepEqual(santaHere.all('NEW_MESSAGE').map((frame) => frame.seq), [2], 'the ACK stands for the sender');
      assert.deepEqual(giftee.all('NEW_MESSAGE').map((frame) => frame.seq), [1], 'the ACK stands for the sender');
      assert.deepEqual(santaThere.all('NEW_MESSAGE').map((frame) => frame.seq), [1, 2], 'each message reaches each socket exactly once');
      for (const text of giftee.raw) {
        assert.ok(!text.includes(group.santa) && !text.includes(group.santaName), `leaked to the giftee: ${text}`);
      }
    });

    it('tells every member, on every relay, of a raffle drawn on another: a fresh READY with their giftee', async () => {
      const group = raffle('redraw');
      const third = `${group.groupId}-third`;
      assert.equal((await cluster.putGroup(group.groupId, { ...group.body, assignments: [] })).status, 201);
      const gifteeThere = await connect(group.giftee, 2);
      const thirdHere = await connect(third, 1);

      assert.equal((await cluster.putGroup(group.groupId, group.body)).status, 200);
      const fresh = await gifteeThere.next('READY', (frame) => frame.groups?.some((g) => g.id === group.groupId && g.drawn) ?? false);
      const mine = fresh.groups?.find((g) => g.id === group.groupId);
      assert.deepEqual(mine?.giftee, { id: third, name: `${group.groupId} Thirdname` });
      assert.equal(mine?.hasSanta, true);
      assert.equal(JSON.stringify(fresh).includes(group.santa), false, "the giftee's READY does not name their santa");
      const thirdFresh = await thirdHere.next('READY', (frame) => frame.groups?.some((g) => g.id === group.groupId && g.drawn) ?? false);
      assert.deepEqual(thirdFresh.groups?.find((g) => g.id === group.groupId)?.giftee, { id: group.santa, name: group.santaName });
    });

    it('deduplicates a clientId sent to different relays, one after the other and at once', async () => {
      const group = raffle('dedupe');
      await setUp(group);
      const conversationId = await cluster.openConversation(group.santa, group.groupId, 1);
      const onRelay0 = await connect(group.santa, 0);
      const onRelay1 = await connect(group.santa, 1);
      const onRelay2 = await connect(group.santa, 2);
      const giftee = await connect(group.giftee, 2);

      onRelay0.send({ type: 'NEW_MESSAGE', conversationId, content: 'once', clientId: 'dedupe-1' });
      const first = await onRelay0.next('ACK');
      onRelay1.send({ type: 'NEW_MESSAGE', conversationId, content: 'retry, other content', clientId: 'dedupe-1' });
      const retried = await onRelay1.next('ACK');
      assert.deepEqual(retried, first);

      onRelay1.send({ type: 'NEW_MESSAGE', conversationId, content: 'racing', clientId: 'dedupe-2' });
      onRelay2.send({ type: 'NEW_MESSAGE', conversationId, content: 'racing', clientId: 'dedupe-2' });
      const [racingA, racingB] = await Promise.all([onRelay1.next('ACK'), onRelay2.next('ACK')]);
      assert.deepEqual(racingA, racingB);

      await giftee.next('NEW_MESSAGE', (frame) => frame.seq === 2);
      await sleep(300);
      assert.deepEqual(giftee.all('NEW_MESSAGE').map((frame) => frame.seq), [1, 2]);
      const stored = await cluster.history(conversationId, group.santa, 2);
      assert.deepEqual(stored.map((message) => message.content), ['once', 'racing']);
    });

    it('read cursors reach every socket of both sides and unread counts agree on every relay', async () => {
      const group = raffle('read');
      await setUp(group);
      const conversationId = await cluster.openConversation(group.santa, group.groupId, 0);
      const santa = await connect(group.santa, 0);
      const gifteeOn1 = await connect(group.giftee, 1);
      const gifteeOn2 = await connect(group.giftee, 2);
      for (let index = 1; index <= 3; index += 1) {
        santa.send({ type: 'NEW_MESSAGE', conversationId, content: `unread ${index}`, clientId: `read-${index}` });
      }
      await gifteeOn2.next('NEW_MESSAGE', (frame) => frame.seq === 3);
      const unread = async (userId: string, relay: number): Promise<number> => {
        const response = await fetch(`${cluster.url(relay)}/conversations`, { headers: { authorization: `Bearer ${token(userId)}` } });
        return ((await response.json()) as { unreadTotal: number }).unreadTotal;
      };
      assert.equal(await unread(group.giftee, 2), 3);

      gifteeOn1.send({ type: 'READ', conversationId, upTo: 3 });
      for (const socket of [santa, gifteeOn1, gifteeOn2]) {
        const read = await socket.next('READ');
        assert.deepEqual([read.readerId, read.upTo], [group.giftee, 3]);
      }
      for (const relay of [0, 1, 2]) assert.equal(await unread(group.giftee, relay), 0);

      santa.send({ type: 'READ', conversationId, upTo: 3 });
      const santaRead = await gifteeOn2.next('READ', (frame) => frame.readerId !== group.giftee);
      assert.notEqual(santaRead.readerId, group.santa, 'a santa reading is shown to the giftee under the alias');
    });

    it('reveals once to every socket, on every relay, when revealAt comes', async () => {
      const revealAt = new Date(Date.now() + 2500);
      const group = raffle('reveal', revealAt);
      // Stored through relay 0: relays 1 and 2 arm their timers from the bus event.
      await setUp(group);
      const conversationId = await cluster.openConversation(group.santa, group.groupId, 0);
      const sockets = [
        await connect(group.giftee, 1),
        await connect(group.giftee, 2),
        await connect(group.santa, 0),
        await connect(group.santa, 2),
      ];
      for (const socket of sockets) {
        const reveal = await socket.next('REVEAL', () => true, 6000);
        assert.equal(reveal.conversationId, conversationId);
        assert.ok(Date.now() >= revealAt.getTime() - 50);
      }
      const gifteeReveal = sockets[0]!.all('REVEAL')[0]!;
      assert.deepEqual(gifteeReveal.peer, { id: group.santa, name: group.santaName, anonymous: false });
      await sleep(800);
      for (const socket of sockets) assert.equal(socket.all('REVEAL').length, 1, 'exactly one REVEAL per socket');
    });

    it('keeps seq gapless with both sides sending from all three relays at once', async () => {
      const group = raffle('concurrent');
      await setUp(group);
      const conversationId = await cluster.openConversation(group.santa, group.groupId, 0);
      const perSocket = 5;
      const sockets: TestClient[] = [];
      for (const userId of [group.santa, group.giftee]) {
        for (const relay of [0, 1, 2]) sockets.push(await connect(userId, relay));
      }
      sockets.forEach((socket, socketIndex) => {
        for (let index = 0; index < perSocket; index += 1) {
          socket.send({ type: 'NEW_MESSAGE', conversationId, content: `s${socketIndex} m${index}`, clientId: `concurrent-${socketIndex}-${index}` });
        }
      });
      const total = sockets.length * perSocket;
      const acks: AckFrame[] = [];
      for (const socket of sockets) {
        for (let index = 0; index < perSocket; index += 1) acks.push(await socket.next('ACK', () => true, 10_000));
      }
      const expected = Array.from({ length: total }, (_, index) => index + 1);
      assert.deepEqual(acks.map((ack) => ack.seq).sort((a, b) => a - b), expected, 'every ACK has its own seq, none missing');

      // Each socket holds every message exactly once: its own from their ACKs, the rest as
      // NEW_MESSAGE (the ACK stands for the sending socket's NEW_MESSAGE, docs/protocol.md).
      const held = (socket: TestClient): number[] =>
        [...socket.all('NEW_MESSAGE'), ...socket.all('ACK')].map((frame) => frame.seq).sort((a, b) => a - b);
      for (const socket of sockets) {
        const last = socket.all('ACK').some((ack) => ack.seq === total);
        if (!last) await socket.next('NEW_MESSAGE', (frame) => frame.seq === total, 10_000);
      }
      await sleep(300);
      for (const socket of sockets) {
        assert.deepEqual(held(socket), expected, 'every socket on every relay gets every message exactly once');
      }
      const stored: Message[] = await cluster.history(conversationId, group.giftee, 1);
      assert.deepEqual(stored.map((message) => message.seq), expected);
    });

    it('holds the per-user message rate across relays', async () => {
      const group = raffle('rate');
      await setUp(group);
      const conversationId = await cluster.openConversation(group.santa, group.groupId, 0);
      const sockets = [await connect(group.santa, 0), await connect(group.santa, 1), await connect(group.santa, 2)];
      const perSocket = 8;
      sockets.forEach((socket, socketIndex) => {
        for (let index = 0; index < perSocket; index += 1) {
          socket.send({ type: 'NEW_MESSAGE', conversationId, content: `rate ${index}`, clientId: `rate-${socketIndex}-${index}` });
        }
      });
      const outcomes: (AckFrame | ErrorFrame)[] = [];
      for (const socket of sockets) {
        for (let index = 0; index < perSocket; index += 1) {
          outcomes.push(
            await Promise.race([
              socket.next('ACK', (ack) => ack.clientId === `rate-${sockets.indexOf(socket)}-${index}`, 10_000),
              socket.next('ERROR', (error) => error.clientId === `rate-${sockets.indexOf(socket)}-${index}`, 10_000),
            ]),
          );
        }
      }
      const acked = outcomes.filter((outcome) => outcome.type === 'ACK');
      const refused = outcomes.filter((outcome): outcome is ErrorFrame => outcome.type === 'ERROR');
      assert.equal(acked.length, RATE_MESSAGES, `${RATE_MESSAGES} of ${3 * perSocket} stored across three relays`);
      assert.equal(refused.length, 3 * perSocket - RATE_MESSAGES);
      for (const error of refused) {
        assert.equal(error.code, 'RATE_LIMITED');
        assert.ok((error.retryAfterMs ?? 0) > 0);
      }
      assert.equal((await cluster.history(conversationId, group.santa, 2)).length, RATE_MESSAGES);
    });

    it('relays one TYPING per interval per user and conversation across relays', async () => {
      const group = raffle('typing');
      await setUp(group);
      const conversationId = await cluster.openConversation(group.santa, group.groupId, 0);
      const giftee = await connect(group.giftee, 0);
      const tabs = [await connect(group.santa, 0), await connect(group.santa, 1), await connect(group.santa, 2)];
      for (const tab of tabs) tab.send({ type: 'TYPING', conversationId });
      await giftee.next('TYPING');
      await sleep(500);
      assert.equal(giftee.all('TYPING').length, 1, 'three tabs on three relays within 2 s: relayed once');
    });

    it('holds the per-user HTTP request rate across relays', async () => {
      const userId = 'http-rate-user';
      const limit = 60;
      const statuses: number[] = [];
      for (let index = 0; index < limit + 9; index += 1) {
        const response = await fetch(`${cluster.url(index % 3)}/conversations`, {
          headers: { authorization: `Bearer ${token(userId)}` },
        });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      assert.equal(statuses.filter((status) => status === 200).length, limit, `${limit} served across three relays`);
      assert.deepEqual(statuses.slice(limit), Array(9).fill(429), 'the rest refused, on whichever relay');
    });

    it("holds the per-user socket limit across relays, closing the user's oldest socket wherever it is", async () => {
      const userId = 'sockets-user';
      const sockets: TestClient[] = [];
      for (let index = 0; index < 10; index += 1) {
        sockets.push(await connect(userId, index % 3));
        // Age is decided where the registry admits each socket (Redis's clock): let each land first.
        await sleep(25);
      }
      await sleep(200);
      assert.ok(sockets.every((socket) => socket.closeCode === null), 'ten sockets are within the limit');

      sockets.push(await connect(userId, 1));
      assert.equal(await closedWithin(sockets[0]!), 4409, 'the oldest (on relay 0) is closed');
      sockets.push(await connect(userId, 2));
      assert.equal(await closedWithin(sockets[1]!), 4409, 'then the next oldest (on relay 1)');
      await sleep(200);
      assert.deepEqual(
        sockets.map((socket) => socket.closeCode),
        [4409, 4409, ...Array.from({ length: 10 }, () => null)],
      );
    });

    it('reports the database and Redis in /healthz and counts bus traffic in /metrics', async () => {
      for (const relay of [0, 1, 2]) {
        const response = await fetch(`${cluster.url(relay)}/healthz`);
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { ok: true, store: 'ok', redis: 'ok' });
      }
      let published = 0;
      let received = 0;
      for (const relay of [0, 1, 2]) {
        published += await cluster.metric(relay, 'santa_chat_bus_published_total');
        received += await cluster.metric(relay, 'santa_chat_bus_received_total');
      }
      assert.ok(published > 0 && received > 0, `published ${published}, received ${received}`);
      assert.equal(await cluster.metric(0, 'santa_chat_bus_errors_total'), 0);
    });
  });
}
