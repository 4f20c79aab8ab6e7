/**
 * docs/protocol.md §4 Anonymity, as a property over a real relay: random groups, random raffles
 * (some with pairs who give to each other), random sequences of everything a participant can
 * do over HTTP and WebSocket, admin re-draws in the middle. Every byte each member receives
 * (HTTP status line, headers and bodies; WebSocket upgrade headers, every text frame, close
 * codes and reasons) is recorded, then scanned: before `revealAt` none may contain the id or
 * the name of anyone who is (or was, before a re-draw) that member's santa, unless the member
 * knows that person as their own giftee. A structural check backs the scan up where it cannot
 * see (a pair who give to each other): in a conversation where the member is the giftee, the
 * santa appears only as the conversation's stable alias.
 *
 * A second property starts from a group already revealed: then the same scan must find the
 * santa's real id and name, so the scan is known to see what it looks for.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { newClientId } from '../widget/src/client/client-id.js';
import { TestClient, sleep } from './helpers/client.js';
import { startTestRelay, type TestRelay } from './helpers/relay.js';

// ---------------------------------------------------------------------------------------------
// Scenario model

interface Member {
  id: string;
  name: string;
}

/** A raffle as fast-check draws it: a permutation of member indexes cut into cycles. */
interface RaffleSpec {
  order: number[];
  cuts: boolean[];
}

/** Santa index -> giftee index. */
type Raffle = Array<{ santa: number; giftee: number }>;

/** `with` of POST /groups/:id/conversation: "giftee" = my conversation as santa; "santa" = as giftee. */
type Side = 'giftee' | 'santa';

type ProbeTarget = 'santaId' | 'santaName' | 'gifteeId' | 'alias' | 'othersConversation' | 'staleConversation' | 'random';

type Action =
  | { kind: 'open'; user: number; side: Side }
  | { kind: 'send'; user: number; side: Side; words: string[] }
  | { kind: 'typing'; user: number; side: Side }
  | { kind: 'read'; user: number; side: Side; upTo: number }
  | { kind: 'sync'; user: number; side: Side; after: number }
  | { kind: 'list'; user: number }
  | { kind: 'history'; user: number; side: Side; query: 'none' | 'after' | 'before' | 'limit'; n: number }
  | { kind: 'reauth'; user: number }
  | { kind: 'reconnect'; user: number; closeOld: boolean }
  | { kind: 'badContent'; user: number; side: Side; variant: 'empty' | 'control' | 'tooLong' }
  | { kind: 'probe'; user: number; target: ProbeTarget; via: 'send' | 'typing' | 'read' | 'sync' | 'http' | 'httpGroup' }
  | { kind: 'badFrame'; user: number; variant: 'notJson' | 'unknownType' | 'missingField' | 'wrongType' }
  | { kind: 'redraw'; raffle: RaffleSpec };

interface Scenario {
  members: Member[];
  raffle: RaffleSpec;
  actions: Action[];
  /** The PUT that moves revealAt into the past may re-draw at the same time. */
  revealRedraw: RaffleSpec | null;
}

/** Message words: no id ("user-...") or name ("Name...") can be made of them. */
const WORDS = ['hello', 'gift', 'wrap', 'ribbon', 'cookie', 'snow', 'sled', 'cocoa', 'mitten', 'scarf', 'candle', 'star', 'jolly', 'cheer'];

const hex8 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 });

function raffleArb(n: number): fc.Arbitrary<RaffleSpec> {
  const indexes = Array.from({ length: n }, (_, index) => index);
  return fc.record({
    order: fc.shuffledSubarray(indexes, { minLength: n, maxLength: n }),
    cuts: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  });
}

/** Cycles of at least two, so nobody is their own santa; a cycle of two is a mutual pair. */
function buildRaffle(spec: RaffleSpec): Raffle {
  const n = spec.order.length;
  const cycles: number[][] = [];
  let current: number[] = [];
  spec.order.forEach((member, index) => {
    current.push(member);
    if (current.length >= 2 && spec.cuts[index] === true && n - index - 1 >= 2) {
      cycles.push(current);
      current = [];
    }
  });
  if (current.length > 0) cycles.push(current);
  const raffle: Raffle = [];
  for (const cycle of cycles) {
    cycle.forEach((santa, index) => raffle.push({ santa, giftee: cycle[(index + 1) % cycle.length]! }));
  }
  return raffle;
}

function actionArb(n: number): fc.Arbitrary<Action> {
  const user = fc.nat({ max: n - 1 });
  const side = fc.constantFrom<Side>('giftee', 'santa');
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('open' as const), user, side }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('send' as const),
        user,
        side,
        words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('typing' as const), user, side }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), user, side, upTo: fc.nat({ max: 6 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), user, side, after: fc.nat({ max: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('list' as const), user }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('history' as const),
        user,
        side,
        query: fc.constantFrom('none' as const, 'after' as const, 'before' as const, 'limit' as const),
        n: fc.integer({ min: 1, max: 5 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reauth' as const), user }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), user, closeOld: fc.boolean() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('badContent' as const),
        user,
        side,
        variant: fc.constantFrom('empty' as const, 'control' as const, 'tooLong' as const),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('probe' as const),
        user,
        target: fc.constantFrom<ProbeTarget>('santaId', 'santaName', 'gifteeId', 'alias', 'othersConversation', 'staleConversation', 'random'),
        via: fc.constantFrom('send' as const, 'typing' as const, 'read' as const, 'sync' as const, 'http' as const, 'httpGroup' as const),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('badFrame' as const),
        user,
        variant: fc.constantFrom('notJson' as const, 'unknownType' as const, 'missingField' as const, 'wrongType' as const),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('redraw' as const), raffle: raffleArb(n) }) },
  );
}

function membersArb(n: number): fc.Arbitrary<Member[]> {
  // Fixed-length, distinct suffixes behind distinct prefixes: no id or name is a substring of another.
  return fc
    .tuple(fc.uniqueArray(hex8, { minLength: n, maxLength: n }), fc.uniqueArray(hex8, { minLength: n, maxLength: n }))
    .map(([ids, names]) => ids.map((id, index) => ({ id: `user-${id}`, name: `Name${names[index]!}` })));
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 3, max: 8 }).chain((n) =>
  fc.record({
    members: membersArb(n),
    raffle: raffleArb(n),
    actions: fc.array(actionArb(n), { minLength: 6, maxLength: 32 }),
    revealRedraw: fc.option(raffleArb(n), { nil: null }),
  }),
);

// ---------------------------------------------------------------------------------------------
// Recording

/** `epoch` indexes the raffle in force when the bytes arrived; `revealed` once revealAt has passed. */
interface LogEntry {
  epoch: number;
  revealed: boolean;
  source: string;
  text: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function walk(value: Json | undefined, visit: (object: Record<string, Json>) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
  } else if (isObject(value)) {
    visit(value);
    for (const item of Object.values(value)) walk(item, visit);
  }
}

const MAX_LIVE_SOCKETS = 3;

/** One run: a group on the shared relay, a socket per member, and every byte they receive. */
class Run {
  readonly relay: TestRelay;
  readonly members: Member[];
  readonly groupId = `group-${randomBytes(6).toString('hex')}`;
  readonly revealAt = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
  /** Raffles in force, oldest first; the index is the epoch. */
  readonly raffles: Raffle[] = [];
  epoch = 0;
  revealed = false;
  readonly logs = new Map<string, LogEntry[]>();
  /** Strings a member sent as a conversation id in a probe: their echo in an ERROR is not a leak. */
  readonly probes = new Map<string, Set<string>>();
  /** Each clientId sent (a UUIDv7 of the sender's clock, as the widget makes it), by its sender's id. */
  readonly clientIds = new Map<string, string>();
  readonly clients = new Map<string, Array<{ client: TestClient; received: () => number }>>();
  /** The conversation ids each member learned from POST, per side; dropped when a re-draw closes them. */
  readonly known = new Map<string, Partial<Record<Side, string>>>();
  readonly stale = new Map<string, string[]>();
  /** Every conversation seen: its santa and giftee ids, and whether a re-draw closed it. */
  readonly conversations = new Map<string, { santa: string; giftee: string; closed: boolean }>();
  readonly forbiddenErrors: string[] = [];
  /** The alias each giftee was shown, by conversation. */
  readonly aliases = new Map<string, string>();
  /** ERROR frames whose echo of a probed id was set aside by the scan. */
  echoes = 0;
  /** 403 bodies of HTTP probes, by route: existing or not, yours or not, one answer. */
  readonly httpProbeBodies = new Map<string, Set<string>>();

  constructor(relay: TestRelay, members: Member[]) {
    this.relay = relay;
    // Runs share one relay, and fast-check repeats ids while it shrinks: a per-run salt keeps
    // every run's people apart (a user of an earlier run would list that run's conversations).
    const salt = randomBytes(4).toString('hex');
    this.members = members.map((member) => ({ id: `${member.id}-${salt}`, name: `${member.name}x${salt}` }));
    for (const member of this.members) {
      this.logs.set(member.id, []);
      this.probes.set(member.id, new Set());
      this.clients.set(member.id, []);
      this.known.set(member.id, {});
      this.stale.set(member.id, []);
    }
  }

  record(userId: string, source: string, text: string): void {
    this.logs.get(userId)!.push({ epoch: this.epoch, revealed: this.revealed, source, text });
  }

  get raffle(): Raffle {
    return this.raffles.at(-1)!;
  }

  groupBody(raffle: Raffle, revealAt = this.revealAt) {
    return {
      name: 'Winter exchange',
      revealAt,
      members: this.members,
      assignments: raffle.map(({ santa, giftee }) => ({ santa: this.members[santa]!.id, giftee: this.members[giftee]!.id })),
    };
  }

  santaOf(user: number, raffle = this.raffle): number {
    return raffle.find((pair) => pair.giftee === user)!.santa;
  }

  gifteeOf(user: number, raffle = this.raffle): number {
    return raffle.find((pair) => pair.santa === user)!.giftee;
  }

  async http(userId: string, method: 'GET' | 'POST', path: string, body?: unknown) {
    const response = await fetch(`${this.relay.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.relay.token(userId)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const head = [`HTTP ${response.status} ${response.statusText}`];
    response.headers.forEach((value, key) => head.push(`${key}: ${value}`));
    this.record(userId, `http ${method} ${path}`, `${head.join('\r\n')}\r\n\r\n${text}`);
    return { status: response.status, text, body: parseJson(text) };
  }

  async connect(userId: string): Promise<TestClient> {
    const client = new TestClient(this.relay.wsUrl);
    let received = 0;
    client.socket.on('upgrade', (response) => {
      const head = Object.entries(response.headers).map(([key, value]) => `${key}: ${String(value)}`);
      this.record(userId, 'ws upgrade', `HTTP ${response.statusCode} ${response.statusMessage}\r\n${head.join('\r\n')}`);
    });
    client.socket.on('message', (data) => {
      received += 1;
      this.record(userId, 'ws frame', data.toString());
    });
    client.socket.on('close', (code, reason) => this.record(userId, 'ws close', `${code} ${reason.toString()}`));
    await new Promise<void>((resolve, reject) => {
      client.socket.once('open', () => resolve());
      client.socket.once('error', reject);
    });
    this.clients.get(userId)!.push({ client, received: () => received });
    client.send({ type: 'AUTH', token: this.relay.token(userId) });
    await client.next('READY');
    return client;
  }

  live(userId: string): TestClient[] {
    return this.clients
      .get(userId)!
      .map(({ client }) => client)
      .filter((client) => client.closeCode === null);
  }

  active(userId: string): TestClient {
    const client = this.live(userId).at(-1);
    assert.ok(client, `${userId} has no live socket`);
    return client;
  }

  async conversation(user: number, side: Side): Promise<string> {
    const userId = this.members[user]!.id;
    const known = this.known.get(userId)!;
    const existing = known[side];
    if (existing !== undefined) return existing;
    return this.open(user, side);
  }

  async open(user: number, side: Side): Promise<string> {
    const userId = this.members[user]!.id;
    const result = await this.http(userId, 'POST', `/groups/${encodeURIComponent(this.groupId)}/conversation`, { with: side });
    assert.ok(result.status === 200 || result.status === 201, `POST conversation: ${result.status} ${result.text}`);
    const conversation = (result.body as { conversation: { id: string } }).conversation;
    const santa = side === 'giftee' ? user : this.santaOf(user);
    const giftee = side === 'giftee' ? this.gifteeOf(user) : user;
    const pair = { santa: this.members[santa]!.id, giftee: this.members[giftee]!.id, closed: false };
    const previous = this.conversations.get(conversation.id);
    if (previous) assert.deepEqual(previous, pair, 'one conversation id for two pairs');
    this.conversations.set(conversation.id, pair);
    this.known.get(userId)![side] = conversation.id;
    return conversation.id;
  }

  probeValue(user: number, target: ProbeTarget): string {
    const userId = this.members[user]!.id;
    switch (target) {
      case 'santaId':
        return this.members[this.santaOf(user)]!.id;
      case 'santaName':
        return this.members[this.santaOf(user)]!.name;
      case 'gifteeId':
        return this.members[this.gifteeOf(user)]!.id;
      case 'alias': {
        // An alias the member was shown (their santa's in some conversation), if any yet.
        for (const entry of this.logs.get(userId)!) {
          const match = /"peer":\{"id":"(s_[^"]+)"/.exec(entry.text);
          if (match?.[1] !== undefined) return match[1];
        }
        return `s_${randomBytes(16).toString('base64url')}`;
      }
      case 'othersConversation': {
        const foreign = [...this.conversations].find(([, pair]) => pair.santa !== userId && pair.giftee !== userId);
        return foreign?.[0] ?? `c_${randomBytes(12).toString('base64url')}`;
      }
      case 'staleConversation':
        return this.stale.get(userId)!.at(-1) ?? `c_${randomBytes(12).toString('base64url')}`;
      case 'random':
        return `c_${randomBytes(12).toString('base64url')}`;
    }
  }

  async perform(action: Action): Promise<void> {
    if (action.kind === 'redraw') return this.redraw(buildRaffle(action.raffle));
    const userId = this.members[action.user]!.id;
    switch (action.kind) {
      case 'open':
        await this.open(action.user, action.side);
        return;
      case 'send': {
        const conversationId = await this.conversation(action.user, action.side);
        const clientId = newClientId();
        this.clientIds.set(clientId, userId);
        const client = this.active(userId);
        client.send({ type: 'NEW_MESSAGE', conversationId, content: action.words.join(' '), clientId });
        await client.next('ACK', (ack) => ack.clientId === clientId);
        return;
      }
      case 'typing': {
        const conversationId = await this.conversation(action.user, action.side);
        this.active(userId).send({ type: 'TYPING', conversationId });
        return;
      }
      case 'read': {
        const conversationId = await this.conversation(action.user, action.side);
        this.active(userId).send({ type: 'READ', conversationId, upTo: action.upTo });
        return;
      }
      case 'sync': {
        const conversationId = await this.conversation(action.user, action.side);
        const client = this.active(userId);
        client.send({ type: 'SYNC', conversationId, after: action.after });
        await client.next('HISTORY', (history) => history.conversationId === conversationId);
        return;
      }
      case 'list': {
        const result = await this.http(userId, 'GET', '/conversations');
        assert.equal(result.status, 200, result.text);
        return;
      }
      case 'history': {
        const conversationId = await this.conversation(action.user, action.side);
        const query = { none: '', after: `?after=${action.n - 1}`, before: `?before=${action.n + 1}`, limit: `?limit=${action.n}` }[action.query];
        const result = await this.http(userId, 'GET', `/conversations/${encodeURIComponent(conversationId)}/messages${query}`);
        assert.equal(result.status, 200, result.text);
        return;
      }
      case 'reauth': {
        const client = this.active(userId);
        // A re-draw sends READY unasked: the answer to this AUTH is a later one.
        client.skip('READY');
        client.send({ type: 'AUTH', token: this.relay.token(userId) });
        await client.next('READY');
        return;
      }
      case 'reconnect': {
        const live = this.live(userId);
        const old = live.at(-1);
        if (action.closeOld || live.length >= MAX_LIVE_SOCKETS) await (action.closeOld ? old : live[0])?.close();
        await this.connect(userId);
        return;
      }
      case 'badContent': {
        const conversationId = await this.conversation(action.user, action.side);
        const content = { empty: ' \r\n\t ', control: 'snow\u0007sled', tooLong: 'x'.repeat(501) }[action.variant];
        const code = { empty: 'EMPTY', control: 'BAD_REQUEST', tooLong: 'TOO_LONG' }[action.variant];
        const clientId = randomUUID();
        const client = this.active(userId);
        client.send({ type: 'NEW_MESSAGE', conversationId, content, clientId });
        const error = await client.next('ERROR', (frame) => frame.clientId === clientId);
        assert.equal(error.code, code);
        return;
      }
      case 'probe': {
        const value = this.probeValue(action.user, action.target);
        this.probes.get(userId)!.add(value);
        if (action.via === 'http' || action.via === 'httpGroup') {
          const path =
            action.via === 'http'
              ? `/conversations/${encodeURIComponent(value)}/messages`
              : `/groups/${encodeURIComponent(value)}/conversation`;
          const result = await this.http(userId, action.via === 'http' ? 'GET' : 'POST', path, action.via === 'http' ? undefined : { with: 'santa' });
          assert.equal(result.status, 403, `${path}: ${result.text}`);
          const bodies = this.httpProbeBodies.get(action.via) ?? new Set<string>();
          bodies.add(result.text);
          this.httpProbeBodies.set(action.via, bodies);
          return;
        }
        const client = this.active(userId);
        const frame = {
          send: { type: 'NEW_MESSAGE', conversationId: value, content: 'cookie', clientId: randomUUID() },
          typing: { type: 'TYPING', conversationId: value },
          read: { type: 'READ', conversationId: value, upTo: 1 },
          sync: { type: 'SYNC', conversationId: value, after: 0 },
        }[action.via];
        client.send(frame);
        const error = await client.next('ERROR', (candidate) => candidate.conversationId === value);
        assert.equal(error.code, 'FORBIDDEN', JSON.stringify(error));
        // Existing or not, someone else's or closed: one answer, so nothing can be probed.
        this.forbiddenErrors.push(JSON.stringify({ type: error.type, code: error.code, message: error.message }));
        return;
      }
      case 'badFrame': {
        const client = this.active(userId);
        const santaId = this.members[this.santaOf(action.user)]!.id;
        this.probes.get(userId)!.add(santaId);
        const text = {
          notJson: '{"type":"SYNC",',
          unknownType: JSON.stringify({ type: 'WHO_IS_MY_SANTA', conversationId: santaId }),
          missingField: JSON.stringify({ type: 'SYNC', conversationId: santaId }),
          wrongType: JSON.stringify({ type: 'READ', conversationId: santaId, upTo: 'all' }),
        }[action.variant];
        client.send(text);
        const error = await client.next('ERROR', (frame) => frame.code === 'BAD_REQUEST' && frame.clientId === undefined);
        if (action.variant !== 'notJson') assert.equal(error.conversationId, santaId);
        return;
      }
    }
  }

  /** PUT a new raffle; with `revealAt` in the past it reveals the group in the same write. */
  async redraw(raffle: Raffle, revealAt?: string): Promise<void> {
    this.raffles.push(raffle);
    this.epoch = this.raffles.length - 1;
    if (revealAt !== undefined) this.revealed = true;
    const response = await this.relay.putGroup(this.groupId, this.groupBody(raffle, revealAt));
    assert.equal(response.status, 200, await response.text());
    const kept = new Set(raffle.map(({ santa, giftee }) => `${this.members[santa]!.id}>${this.members[giftee]!.id}`));
    for (const [conversationId, pair] of this.conversations) {
      if (!pair.closed && !kept.has(`${pair.santa}>${pair.giftee}`)) pair.closed = true;
      if (!pair.closed) continue;
      for (const userId of [pair.santa, pair.giftee]) {
        const known = this.known.get(userId)!;
        for (const side of ['giftee', 'santa'] as const) {
          if (known[side] === conversationId) {
            delete known[side];
            this.stale.get(userId)!.push(conversationId);
          }
        }
      }
    }
  }

  /** Every socket has handled every frame sent on it (frames are handled in order), and fan-out has landed. */
  async settle(): Promise<void> {
    await Promise.all(
      this.members.flatMap((member) =>
        this.live(member.id).map(async (client) => {
          client.skip('READY');
          client.send({ type: 'AUTH', token: this.relay.token(member.id) });
          await client.next('READY');
        }),
      ),
    );
    await sleep(60);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.clients.values()].flat().map(({ client }) => client.close()));
  }

  /**
   * The ids and names `user` must not receive in `epoch`: santas so far, minus giftees so far;
   * once revealed, minus the santa of the raffle in force (a santa of a pair that a re-draw
   * closed is never revealed).
   */
  forbidden(user: number, epoch: number, revealed: boolean): Map<string, string> {
    const forbidden = new Map<string, string>();
    const knownIds = new Set<string>();
    for (const raffle of this.raffles.slice(0, epoch + 1)) {
      const santa = this.members[this.santaOf(user, raffle)]!;
      forbidden.set(santa.id, `santa id of ${this.members[user]!.id}`);
      forbidden.set(santa.name, `santa name of ${this.members[user]!.id}`);
      knownIds.add(this.members[this.gifteeOf(user, raffle)]!.id);
    }
    if (revealed) knownIds.add(this.members[this.santaOf(user, this.raffles[epoch])]!.id);
    for (const member of this.members) {
      if (knownIds.has(member.id)) {
        forbidden.delete(member.id);
        forbidden.delete(member.name);
      }
    }
    return forbidden;
  }

  /** The substring scan over every byte received. */
  assertNothingLeaked(): number {
    let scanned = 0;
    this.echoes = 0;
    this.members.forEach((member, user) => {
      const probes = this.probes.get(member.id)!;
      for (const entry of this.logs.get(member.id)!) {
        let text = entry.text;
        // An ERROR may echo the conversation id the member sent; that tells them nothing new.
        const frame = entry.source === 'ws frame' ? parseJson(text) : undefined;
        if (isObject(frame) && frame.type === 'ERROR' && typeof frame.conversationId === 'string' && probes.has(frame.conversationId)) {
          text = text.replace(`"conversationId":${JSON.stringify(frame.conversationId)}`, '"conversationId":"<echo>"');
          this.echoes += 1;
        }
        for (const [secret, what] of this.forbidden(user, entry.epoch, entry.revealed)) {
          assert.ok(
            !text.includes(secret),
            `LEAK: ${member.id} received the ${what} (${secret}), epoch ${entry.epoch}${entry.revealed ? ' after the reveal' : ''}, in ${entry.source}:\n${entry.text}`,
          );
        }
        // A clientId (its sender's clock, to the millisecond) goes back to its sender only, revealed or not.
        for (const [clientId, senderId] of this.clientIds) {
          assert.ok(senderId === member.id || !text.includes(clientId), `LEAK: ${member.id} received ${senderId}'s clientId, in ${entry.source}:\n${entry.text}`);
        }
        scanned += entry.text.length;
      }
    });
    return scanned;
  }

  /**
   * Where the scan cannot tell (a pair who give to each other), the structure can: in every
   * conversation where the member is the giftee, the santa is only ever the alias, stable
   * for that conversation, and never a member id.
   */
  assertGifteeViewsAreAliased(): void {
    const memberIds = new Set(this.members.map((member) => member.id));
    for (const member of this.members) {
      const bodies = this.logs
        .get(member.id)!
        .filter((entry) => !entry.revealed)
        .map((entry) => ({ entry, json: parseJson(entry.source === 'ws frame' ? entry.text : entry.text.split('\r\n\r\n').slice(1).join('\r\n\r\n')) }));
      const aliases = new Map<string, string>();
      for (const { entry, json } of bodies) {
        if (isObject(json) && json.type === 'REVEAL') assert.fail(`${member.id} got REVEAL before revealAt: ${entry.text}`);
        walk(json, (object) => {
          if (!('role' in object && 'peer' in object && 'participants' in object)) return;
          const id = object.id as string;
          const peer = object.peer as Record<string, Json>;
          const participants = object.participants as string[];
          const pair = this.conversations.get(id);
          assert.equal(object.revealed, false, entry.text);
          if (object.role === 'santa') {
            if (pair) assert.equal(peer.id, pair.giftee, entry.text);
            assert.equal(participants[0], member.id, entry.text);
            return;
          }
          assert.equal(object.role, 'giftee', entry.text);
          if (pair) assert.equal(pair.giftee, member.id, entry.text);
          assert.equal(peer.anonymous, true, `${member.id} sees a non-anonymous santa: ${entry.text}`);
          assert.equal(peer.name, 'Secret Santa', entry.text);
          assert.equal(typeof peer.id, 'string');
          assert.ok(!memberIds.has(peer.id as string), `alias is a member id: ${entry.text}`);
          assert.deepEqual(participants, [peer.id, member.id], entry.text);
          assert.deepEqual(object.self, { id: member.id, name: member.name }, entry.text);
          const alias = aliases.get(id);
          if (alias !== undefined) assert.equal(peer.id, alias, `alias of ${id} changed: ${entry.text}`);
          aliases.set(id, peer.id as string);
          this.aliases.set(id, peer.id as string);
        });
      }
      // Every person-id field in a conversation where the member is giftee: the alias or the member.
      for (const { entry, json } of bodies) {
        walk(json, (object) => {
          const conversationId = object.conversationId;
          if (typeof conversationId !== 'string') return;
          const pair = this.conversations.get(conversationId);
          if (!pair || pair.giftee !== member.id) return;
          for (const field of ['senderId', 'readerId'] as const) {
            const value = object[field];
            if (value === undefined) continue;
            const alias = aliases.get(conversationId);
            assert.ok(
              value === member.id || (alias !== undefined && value === alias),
              `${member.id} (giftee) sees ${field}=${String(value)} in ${conversationId}, alias ${String(alias)}: ${entry.text}`,
            );
          }
        });
      }
    }
  }

  /** After the reveal: a conversation a re-draw closed is never revealed to its giftee. */
  assertClosedPairsStayHidden(): void {
    for (const member of this.members) {
      for (const entry of this.logs.get(member.id)!.filter((candidate) => candidate.revealed)) {
        const json = parseJson(entry.source === 'ws frame' ? entry.text : entry.text.split('\r\n\r\n').slice(1).join('\r\n\r\n'));
        if (isObject(json) && json.type === 'REVEAL') {
          const pair = this.conversations.get(json.conversationId as string);
          assert.ok(pair && !pair.closed, `REVEAL for a closed conversation: ${entry.text}`);
        }
        walk(json, (object) => {
          if (!('role' in object && 'peer' in object)) return;
          const pair = this.conversations.get(object.id as string);
          if (pair?.closed !== true || object.role !== 'giftee') return;
          assert.equal((object.peer as Record<string, Json>).anonymous, true, `a closed pair revealed: ${entry.text}`);
        });
      }
    }
  }

  /** The bytes recorded per socket match what the test client itself saw. */
  assertRecordedEverything(): void {
    for (const sockets of this.clients.values()) {
      for (const { client, received } of sockets) assert.equal(received(), client.raw.length);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('anonymity before revealAt (property)', () => {
  let relay: TestRelay;

  before(async () => {
    relay = await startTestRelay({
      limits: { rateMessages: 100_000, httpRequestsPerMinute: 100_000 },
    });
  });

  after(async () => {
    await relay.stop();
  });

  test('no giftee ever receives their santa’s id or name; at the reveal both see real names', { timeout: 180_000 }, async () => {
    let totalBytes = 0;
    let mutualRuns = 0;
    let redrawRuns = 0;
    let echoes = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const run = new Run(relay, scenario.members);
        run.raffles.push(buildRaffle(scenario.raffle));
        try {
          const created = await relay.putGroup(run.groupId, run.groupBody(run.raffle));
          assert.equal(created.status, 201, await created.text());
          const members = run.members;
          for (const member of members) await run.connect(member.id);

          for (const action of scenario.actions) await run.perform(action);
          // Every member looks at both of their conversations at least once, by both routes.
          for (const [user, member] of members.entries()) {
            await run.perform({ kind: 'send', user, side: 'giftee', words: ['cheer'] });
            await run.perform({ kind: 'send', user, side: 'santa', words: ['jolly'] });
            await run.http(member.id, 'GET', '/conversations');
          }
          await run.settle();

          totalBytes += run.assertNothingLeaked();
          echoes += run.echoes;
          run.assertGifteeViewsAreAliased();
          assert.equal(new Set(run.forbiddenErrors).size <= 1, true, `FORBIDDEN errors differ:\n${[...new Set(run.forbiddenErrors)].join('\n')}`);
          for (const [via, bodies] of run.httpProbeBodies) assert.equal(bodies.size, 1, `403 bodies of ${via} probes differ:\n${[...bodies].join('\n')}`);
          if (run.raffles.some((raffle) => raffle.some((pair) => raffle.some((other) => other.santa === pair.giftee && other.giftee === pair.santa)))) {
            mutualRuns += 1;
          }
          if (run.raffles.length > 1) redrawRuns += 1;

          // Positive control of the recording: each santa did see their current giftee's name.
          for (const [user, member] of members.entries()) {
            const giftee = members[run.gifteeOf(user)]!;
            assert.ok(run.logs.get(member.id)!.some((entry) => entry.text.includes(giftee.name)), `${member.id} never saw their giftee's name`);
          }

          // The reveal: revealAt moved into the past, sometimes with a re-draw in the same PUT.
          // Every live socket gets REVEAL for each conversation still open, and only for those.
          const revealRaffle = scenario.revealRedraw === null ? run.raffle : buildRaffle(scenario.revealRedraw);
          await run.redraw(revealRaffle, new Date(Date.now() - 1000).toISOString());
          const openNow = new Map(
            members.map((member) => [
              member.id,
              [...run.conversations].filter(([, pair]) => !pair.closed && (pair.santa === member.id || pair.giftee === member.id)),
            ]),
          );
          for (const member of members) {
            for (const client of run.live(member.id)) {
              for (const [conversationId, pair] of openNow.get(member.id)!) {
                const reveal = await client.next('REVEAL', (frame) => frame.conversationId === conversationId);
                const santa = members.find((candidate) => candidate.id === pair.santa)!;
                const giftee = members.find((candidate) => candidate.id === pair.giftee)!;
                assert.deepEqual(reveal.participants, [pair.santa, pair.giftee]);
                const alias = run.aliases.get(conversationId);
                if (alias !== undefined) assert.equal(reveal.alias, alias, 'REVEAL names the alias the giftee saw');
                assert.deepEqual(reveal.peer, member.id === pair.giftee ? { ...santa, anonymous: false } : { ...giftee, anonymous: false });
              }
            }
          }
          for (const [user, member] of members.entries()) {
            const santa = members[run.santaOf(user)]!;
            await run.open(user, 'santa');
            const list = await run.http(member.id, 'GET', '/conversations');
            const asGiftee = (list.body as { conversations: Array<{ role: string; peer: unknown; revealed: boolean }> }).conversations.find(
              (conversation) => conversation.role === 'giftee',
            );
            assert.ok(asGiftee, `${member.id} has no conversation with their santa`);
            assert.deepEqual(asGiftee.peer, { id: santa.id, name: santa.name, anonymous: false });
            assert.equal(asGiftee.revealed, true);
            assert.ok(list.text.includes(santa.id) && list.text.includes(santa.name), 'after the reveal the scan finds the santa');
          }
          await run.settle();
          for (const member of members) {
            for (const client of run.live(member.id)) {
              assert.equal(client.all('REVEAL').length, openNow.get(member.id)!.length, `${member.id}: one REVEAL per open conversation`);
            }
          }
          await run.closeAll(); // the close frames are scanned too
          run.assertNothingLeaked();
          run.assertClosedPairsStayHidden();
          run.assertRecordedEverything();
        } finally {
          await run.closeAll();
        }
      }),
      { numRuns: 35, timeout: 20_000, includeErrorInReport: true },
    );
    assert.ok(totalBytes > 0);
    // The generators do reach the interesting cases (fast-check draws them often at 30 runs).
    assert.ok(mutualRuns > 0, 'no run had a mutual pair');
    assert.ok(redrawRuns > 0, 'no run had a re-draw');
    assert.ok(echoes > 0, 'no probe with a santa id was answered');
  });

  test('after revealAt the giftee sees the santa’s real id and name (the scan finds them)', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: 8 }).chain((n) => fc.tuple(membersArb(n), raffleArb(n))), async ([members, spec]) => {
        const run = new Run(relay, members);
        run.raffles.push(buildRaffle(spec));
        try {
          const past = new Date(Date.now() - 60_000).toISOString();
          const created = await relay.putGroup(run.groupId, run.groupBody(run.raffle, past));
          assert.equal(created.status, 201);
          for (const member of run.members) await run.connect(member.id);
          // Giftees write first, santas last: the last message of every conversation is the santa's.
          for (const user of run.members.keys()) await run.perform({ kind: 'send', user, side: 'santa', words: ['hello'] });
          for (const user of run.members.keys()) await run.perform({ kind: 'send', user, side: 'giftee', words: ['gift'] });
          await run.settle();
          for (const [user, member] of run.members.entries()) {
            const santa = run.members[run.santaOf(user)]!;
            const client = await run.connect(member.id);
            const ready = client.all('READY')[0]!;
            const list = await run.http(member.id, 'GET', '/conversations');
            for (const [source, body] of [
              ['READY', client.raw.find((text) => text.startsWith('{"type":"READY"')) ?? ''],
              ['GET /conversations', list.text],
            ] as const) {
              assert.ok(body.includes(santa.id), `${source} for ${member.id} lacks the santa id after the reveal`);
              assert.ok(body.includes(santa.name), `${source} for ${member.id} lacks the santa name after the reveal`);
            }
            const asGiftee = ready.conversations.find((conversation) => conversation.role === 'giftee');
            assert.deepEqual(asGiftee?.peer, { id: santa.id, name: santa.name, anonymous: false });
            assert.deepEqual(asGiftee?.participants, [santa.id, member.id]);
            assert.equal(asGiftee?.lastMessage?.senderId, santa.id, 'the santa wrote last in that conversation');
            assert.equal(asGiftee?.revealed, true);
          }
          await sleep(30);
          // Revealed before anyone connected: nobody gets REVEAL, READY says it all.
          for (const member of run.members) for (const client of run.live(member.id)) assert.equal(client.all('REVEAL').length, 0);
        } finally {
          await run.closeAll();
        }
      }),
      { numRuns: 10, timeout: 20_000, includeErrorInReport: true },
    );
  });
});
