/**
 * docs/protocol.md §4 Anonymity across one whole simulated exchange, over real sockets: 20 people
 * in one cycle (everyone is the santa of one and the giftee of another), `revealAt` a week
 * away. Every pair chats both ways, types, reads, opens second tabs, drops and reconnects
 * (READY and HISTORY catch-up), pages history over HTTP, asks CORS preflights and probes a
 * conversation that is not theirs. Every byte each person receives is recorded: every HTTP
 * response (status line, headers, body), every WebSocket upgrade response, every text frame,
 * every close code and reason. None of it may contain any trace of their santa (id, name,
 * first name, tag; see test/helpers/exchange.ts).
 *
 * Positive controls: the same scan finds each person's own name and their giftee's, and after
 * the reveal (revealAt moved into the past) it finds the santa in what each giftee receives.
 * The browser side (IndexedDB, DOM) of the same kind of exchange is
 * test/browser/privacy-exchange.test.ts, for a few giftees.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Conversation } from '../../protocol/index.js';
import { TestClient, sleep } from '../helpers/client.js';
import { CycleExchange, findTraces, type ExchangeMember } from '../helpers/exchange.js';
import { startTestRelay, type TestRelay } from '../helpers/relay.js';

const SIZE = 20;
const ORIGIN = 'http://host.example';

interface Received {
  where: string;
  text: string;
}

/** One person of the exchange: their sockets and everything the relay sent them. */
class Person {
  readonly member: ExchangeMember;
  readonly received: Received[] = [];
  readonly sockets: TestClient[] = [];
  /** Conversation ids by the other side's role: `giftee` = the one where I am the santa. */
  readonly conversations: { giftee?: string; santa?: string } = {};
  framesReceived = 0;
  readonly #relay: TestRelay;

  constructor(relay: TestRelay, member: ExchangeMember) {
    this.#relay = relay;
    this.member = member;
  }

  get socket(): TestClient {
    const live = this.sockets.filter((client) => client.closeCode === null);
    assert.ok(live.length > 0, `${this.member.id} has no live socket`);
    return live.at(-1)!;
  }

  /** Any participant HTTP call; the whole response is recorded. */
  async http(method: 'GET' | 'POST' | 'OPTIONS', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> =
      method === 'OPTIONS'
        ? { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' }
        : { origin: ORIGIN, authorization: `Bearer ${this.#relay.token(this.member.id)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.#relay.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    const head = [`HTTP ${response.status} ${response.statusText}`];
    response.headers.forEach((value, key) => head.push(`${key}: ${value}`));
    this.received.push({ where: `${method} ${path}`, text: `${head.join('\r\n')}\r\n\r\n${text}` });
    return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  /** A new socket (a tab, or a reconnect): upgrade headers, frames and close recorded; AUTH, READY. */
  async connect(): Promise<TestClient> {
    const client = new TestClient(this.#relay.wsUrl, { headers: { origin: ORIGIN } });
    client.socket.on('upgrade', (response) => {
      const head = Object.entries(response.headers).map(([key, value]) => `${key}: ${String(value)}`);
      this.received.push({ where: 'ws upgrade', text: `HTTP ${response.statusCode} ${response.statusMessage}\r\n${head.join('\r\n')}` });
    });
    client.socket.on('message', (data) => {
      this.framesReceived += 1;
      this.received.push({ where: 'ws frame', text: data.toString() });
    });
    client.socket.on('close', (code, reason) => this.received.push({ where: 'ws close', text: `${code} ${reason.toString()}` }));
    await new Promise<void>((resolve, reject) => {
      client.socket.once('open', () => resolve());
      client.socket.once('error', reject);
    });
    this.sockets.push(client);
    client.send({ type: 'AUTH', token: this.#relay.token(this.member.id) });
    await client.next('READY');
    return client;
  }

  async open(groupId: string, withRole: 'giftee' | 'santa'): Promise<string> {
    const { status, json } = await this.http('POST', `/groups/${encodeURIComponent(groupId)}/conversation`, { with: withRole });
    assert.ok(status === 200 || status === 201, `${this.member.id} POST conversation: ${status}`);
    const id = (json as { conversation: Conversation }).conversation.id;
    this.conversations[withRole] = id;
    return id;
  }

  conversation(withRole: 'giftee' | 'santa'): string {
    const id = this.conversations[withRole];
    assert.ok(id, `${this.member.id} has not opened the conversation with their ${withRole}`);
    return id;
  }

  async say(withRole: 'giftee' | 'santa', content: string): Promise<number> {
    const clientId = randomUUID();
    const client = this.socket;
    client.send({ type: 'NEW_MESSAGE', conversationId: this.conversation(withRole), content, clientId });
    return (await client.next('ACK', (ack) => ack.clientId === clientId)).seq;
  }

  /** Every frame this person's live sockets were sent before now has been handled and delivered. */
  async settle(): Promise<void> {
    await Promise.all(
      this.sockets
        .filter((client) => client.closeCode === null)
        .map(async (client) => {
          client.send({ type: 'PING' });
          await client.next('PONG');
        }),
    );
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.sockets.map((client) => client.close()));
  }
}

describe('anonymity across a whole exchange (20 people, one cycle)', () => {
  let relay: TestRelay;

  before(async () => {
    relay = await startTestRelay({
      config: { allowedOrigins: [ORIGIN] },
      limits: { rateMessages: 100_000, httpRequestsPerMinute: 100_000 },
    });
  });

  after(async () => {
    await relay.stop();
  });

  test('no giftee receives any trace of their santa; after the reveal every giftee does', { timeout: 60_000 }, async () => {
    const exchange = new CycleExchange(SIZE);
    const people = exchange.members.map((member) => new Person(relay, member));
    const santaOf = (index: number): Person => people[(index + SIZE - 1) % SIZE]!;
    const gifteeOf = (index: number): Person => people[(index + 1) % SIZE]!;
    const group = encodeURIComponent(exchange.groupId);
    try {
      const created = await relay.putGroup(exchange.groupId, exchange.body(new Date(Date.now() + 7 * 24 * 3600_000)));
      assert.equal(created.status, 201, await created.text());

      // Everyone online; every third person in a second tab as well.
      for (const [index, person] of people.entries()) {
        await person.connect();
        if (index % 3 === 0) await person.connect();
      }
      // Both conversations of everyone; half are created by the santa, half by the giftee.
      for (const [index, person] of people.entries()) {
        const order: Array<'giftee' | 'santa'> = index % 2 === 0 ? ['giftee', 'santa'] : ['santa', 'giftee'];
        for (const withRole of order) await person.open(exchange.groupId, withRole);
      }

      // Everyone writes to both sides, types in both conversations and reads what arrived.
      for (let round = 1; round <= 2; round++) {
        for (const person of people) {
          await person.say('giftee', `round ${round}: a little riddle about your gift`);
          await person.say('santa', `round ${round}: thank you, mysterious friend`);
        }
      }
      for (const person of people) {
        for (const withRole of ['giftee', 'santa'] as const) person.socket.send({ type: 'TYPING', conversationId: person.conversation(withRole) });
      }
      for (const person of people) {
        for (const withRole of ['giftee', 'santa'] as const) person.socket.send({ type: 'READ', conversationId: person.conversation(withRole), upTo: 4 });
      }
      await Promise.all(people.map((person) => person.settle()));

      // A third of the exchange drops off; the others write and type to them meanwhile; they come
      // back (READY) and catch up with SYNC from where they were and from the start (HISTORY).
      const away = people.filter((_, index) => index % 3 === 1);
      for (const person of away) await Promise.all(person.sockets.map((client) => client.close()));
      for (const [index, person] of people.entries()) {
        if (!away.includes(person)) {
          if (away.includes(gifteeOf(index))) await person.say('giftee', 'while you were away: check the porch');
          if (away.includes(santaOf(index))) await person.say('santa', 'while you were away: I loved the hint');
        }
      }
      for (const person of away) {
        const client = await person.connect();
        for (const withRole of ['giftee', 'santa'] as const) {
          const conversationId = person.conversation(withRole);
          let newest = 0;
          for (const after of [4, 0]) {
            client.send({ type: 'SYNC', conversationId, after });
            const history = await client.next('HISTORY', (frame) => frame.conversationId === conversationId);
            newest = Math.max(newest, ...history.messages.map((message) => message.seq));
          }
          client.send({ type: 'READ', conversationId, upTo: newest });
          client.send({ type: 'TYPING', conversationId });
        }
        // A token renewal on the live socket: READY again (after any a group write sent unasked).
        client.skip('READY');
        client.send({ type: 'AUTH', token: relay.token(person.member.id) });
        await client.next('READY');
      }

      // Every participant route: the list, history pages both ways, a repeated POST, a CORS
      // preflight, a full SYNC on the socket, and a probe of a conversation that is someone else's (403).
      for (const [index, person] of people.entries()) {
        await person.http('GET', '/conversations');
        await person.http('OPTIONS', '/conversations');
        for (const withRole of ['giftee', 'santa'] as const) {
          const path = `/conversations/${encodeURIComponent(person.conversation(withRole))}/messages`;
          for (const query of ['', '?limit=2', '?after=1', '?before=3&limit=1']) assert.equal((await person.http('GET', `${path}${query}`)).status, 200);
          await person.open(exchange.groupId, withRole);
          person.socket.send({ type: 'SYNC', conversationId: person.conversation(withRole), after: 0 });
          await person.socket.next('HISTORY', (history) => history.conversationId === person.conversation(withRole));
        }
        const santasOtherConversation = santaOf(index).conversation('santa');
        assert.equal((await person.http('GET', `/conversations/${encodeURIComponent(santasOtherConversation)}/messages`)).status, 403);
        assert.equal((await person.http('POST', `/groups/${group}-nope/conversation`, { with: 'santa' })).status, 403);
        person.socket.send({ type: 'SYNC', conversationId: santasOtherConversation, after: 0 });
        assert.equal((await person.socket.next('ERROR', (error) => error.conversationId === santasOtherConversation)).code, 'FORBIDDEN');
      }
      await Promise.all(people.map((person) => person.settle()));
      await sleep(50);

      // The scan: nothing any giftee received names their santa in any way.
      const perGiftee: Array<{ bytes: number; frames: number }> = [];
      for (const [index, person] of people.entries()) {
        const santa = santaOf(index);
        assert.deepEqual(findTraces(santa.member, person.received), [], `${person.member.id} received a trace of their santa ${santa.member.id}`);
        perGiftee.push({ bytes: person.received.reduce((sum, entry) => sum + Buffer.byteLength(entry.text), 0), frames: person.framesReceived });

        // Positive controls: the scan sees names where they belong, and the santa's activity did
        // reach the giftee (messages, typing, read receipts and catch-up all went through views).
        assert.notDeepEqual(findTraces(person.member, person.received), [], `${person.member.id} never saw their own name`);
        assert.ok(findTraces(gifteeOf(index).member, person.received).some((finding) => finding.trace === gifteeOf(index).member.name.toLowerCase()));
        const frames = person.sockets.flatMap((client) => client.frames);
        const fromSanta = person.conversation('santa');
        for (const type of ['NEW_MESSAGE', 'TYPING', 'READ', 'HISTORY', 'READY'] as const) {
          assert.ok(
            frames.some((frame) => frame.type === type && (type === 'READY' || ('conversationId' in frame && frame.conversationId === fromSanta))),
            `${person.member.id} got no ${type} about the conversation with their santa`,
          );
        }
      }
      const bytes = perGiftee.map((entry) => entry.bytes);
      const frames = perGiftee.map((entry) => entry.frames);
      console.log(
        `scanned per giftee: ${Math.min(...bytes)}-${Math.max(...bytes)} bytes, ${Math.min(...frames)}-${Math.max(...frames)} frames; ` +
          `total ${bytes.reduce((a, b) => a + b, 0)} bytes, ${frames.reduce((a, b) => a + b, 0)} frames`,
      );

      // The reveal: the same scan now finds every santa in what their giftee receives.
      const before = people.map((person) => person.received.length);
      const revealed = await relay.putGroup(exchange.groupId, exchange.body(new Date(Date.now() - 1000)));
      assert.equal(revealed.status, 200, await revealed.text());
      for (const [index, person] of people.entries()) {
        const santa = santaOf(index);
        await person.socket.next('REVEAL', (reveal) => reveal.conversationId === person.conversation('santa'));
        await person.http('GET', '/conversations');
        const afterReveal = person.received.slice(before[index]);
        const found = new Set(findTraces(santa.member, afterReveal).map((finding) => finding.trace));
        for (const trace of [santa.member.id, santa.member.name, santa.member.tag]) {
          assert.ok(found.has(trace.toLowerCase()), `after the reveal ${person.member.id} should see ${trace}`);
        }
      }
    } finally {
      await Promise.all(people.map((person) => person.closeAll()));
    }
  });
});
