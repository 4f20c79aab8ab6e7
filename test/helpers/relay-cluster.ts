/**
 * Several relay processes (`server/src/main.ts`, as `npm run relay` runs it) sharing one
 * PostgreSQL schema of their own and one Redis, as a site behind a load balancer would run
 * them. Each relay may reach Redis through its own URL (a proxy the test can cut).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Message } from '../../protocol/index.js';
import { signParticipantToken } from '../../server/src/auth/jwt.js';
import { spawnRelay, type RelayProcess } from './process.js';
import { TEST_DATABASE_URL } from './services.js';

export const CLUSTER_SECRET = 'multi-relay-secret-0123456789abcdef';
export const CLUSTER_ADMIN = 'multi-relay-admin-0123456789';

export function token(userId: string, seconds = 3600): string {
  return signParticipantToken({ sub: userId, exp: Math.floor(Date.now() / 1000) + seconds }, CLUSTER_SECRET);
}

export interface RelayClusterOptions {
  /** One REDIS_URL per relay (their number is the length). */
  redisUrls: string[];
  /** Extra environment for every relay (limits). */
  env?: Record<string, string>;
  /** Where the relays reach PostgreSQL (e.g. through a proxy); default `TEST_DATABASE_URL`. */
  databaseUrl?: string;
}

export class RelayCluster {
  readonly schema: string;
  readonly #options: RelayClusterOptions;
  readonly #env: Record<string, string>;
  readonly #relays: (RelayProcess | null)[];

  private constructor(options: RelayClusterOptions) {
    this.#options = options;
    this.schema = `multi_relay_${process.pid}_${randomBytes(4).toString('hex')}`;
    const databaseUrl = new URL(options.databaseUrl ?? TEST_DATABASE_URL);
    databaseUrl.searchParams.set('schema', this.schema);
    this.#env = {
      SANTA_CHAT_JWT_SECRET: CLUSTER_SECRET,
      SANTA_CHAT_ADMIN_TOKEN: CLUSTER_ADMIN,
      DATABASE_URL: databaseUrl.toString(),
      SANTA_CHAT_REDIS_PREFIX: `santa-chat-test-${this.schema}`,
      LOG_LEVEL: process.env.SANTA_CHAT_TEST_RELAY_LOG ?? 'silent',
      ...options.env,
    };
    this.#relays = options.redisUrls.map(() => null);
  }

  /** Starts every relay at once: each migrates the fresh schema, as a rolling deploy's would. */
  static async start(options: RelayClusterOptions): Promise<RelayCluster> {
    const cluster = new RelayCluster(options);
    try {
      await Promise.all(options.redisUrls.map((_, index) => cluster.startRelay(index)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  async startRelay(index: number): Promise<RelayProcess> {
    const redisUrl = this.#options.redisUrls[index];
    if (redisUrl === undefined) throw new Error(`no relay ${index}`);
    const relay = await spawnRelay({ ...this.#env, REDIS_URL: redisUrl });
    this.#relays[index] = relay;
    return relay;
  }

  relay(index: number): RelayProcess {
    const relay = this.#relays[index];
    if (!relay) throw new Error(`relay ${index} is not running`);
    return relay;
  }

  url(index: number): string {
    return this.relay(index).url;
  }

  wsUrl(index: number): string {
    return `${this.url(index).replace('http', 'ws')}/ws`;
  }

  /** The index of the first relay still running. */
  firstRunning(): number {
    const index = this.#relays.findIndex((relay) => relay !== null);
    if (index === -1) throw new Error('no relay is running');
    return index;
  }

  /** The WebSocket URLs of the relays now running (a reconnecting client's choice). */
  liveWsUrls(): string[] {
    return this.#relays.flatMap((relay) => (relay ? [`${relay.url.replace('http', 'ws')}/ws`] : []));
  }

  /** The ports of the relays now running (a load balancer's healthy backends). */
  livePorts(): number[] {
    return this.#relays.flatMap((relay) => (relay ? [Number(new URL(relay.url).port)] : []));
  }

  /** SIGKILL: no shutdown at all, as in a crash. */
  async kill(index: number): Promise<void> {
    const relay = this.relay(index);
    this.#relays[index] = null;
    relay.child.kill('SIGKILL');
    await relay.exited;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#relays.map(async (relay, index) => {
        if (!relay) return;
        this.#relays[index] = null;
        relay.child.kill('SIGTERM');
        const timer = setTimeout(() => relay.child.kill('SIGKILL'), 5000);
        await relay.exited;
        clearTimeout(timer);
      }),
    );
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    try {
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }

  async putGroup(groupId: string, body: unknown, through = 0): Promise<Response> {
    return fetch(`${this.url(through)}/admin/groups/${encodeURIComponent(groupId)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${CLUSTER_ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** "Message Match": the caller's conversation with their giftee, opened through relay `through`. */
  async openConversation(userId: string, groupId: string, through = 0): Promise<string> {
    const response = await fetch(`${this.url(through)}/groups/${encodeURIComponent(groupId)}/conversation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token(userId)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ with: 'giftee' }),
    });
    if (response.status !== 200 && response.status !== 201) throw new Error(`open conversation: ${response.status}`);
    return ((await response.json()) as { conversation: { id: string } }).conversation.id;
  }

  /** Every stored message of a conversation, oldest first, as `userId` may see it. */
  async history(conversationId: string, userId: string, through = 0): Promise<Message[]> {
    const messages: Message[] = [];
    let after = 0;
    for (;;) {
      const response = await fetch(`${this.url(through)}/conversations/${conversationId}/messages?after=${after}&limit=200`, {
        headers: { authorization: `Bearer ${token(userId)}` },
      });
      if (response.status !== 200) throw new Error(`history: ${response.status}`);
      const body = (await response.json()) as { messages: Message[]; hasMore: boolean };
      messages.push(...body.messages);
      if (!body.hasMore) return messages;
      after = body.messages.at(-1)?.seq ?? after;
    }
  }

  /** One counter of relay `index`'s `/metrics` (0 when absent). */
  async metric(index: number, name: string): Promise<number> {
    const text = await (await fetch(`${this.url(index)}/metrics`, { headers: { authorization: `Bearer ${CLUSTER_ADMIN}` } })).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    return line === undefined ? 0 : Number(line.split(' ')[1]);
  }
}

/** A ring raffle of `size` members (u0 gives to u1, ..., the last to u0). */
export function ringGroup(size: number, revealAt = new Date(Date.now() + 7 * 24 * 3600 * 1000)) {
  const ids = Array.from({ length: size }, (_, index) => `u${index}`);
  return {
    name: 'Ring',
    revealAt: revealAt.toISOString(),
    members: ids.map((id) => ({ id, name: `Member ${id}` })),
    assignments: ids.map((id, index) => ({ santa: id, giftee: ids[(index + 1) % size] as string })),
  };
}
