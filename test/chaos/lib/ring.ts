/**
 * The load every chaos case runs: a ring raffle of widget clients (u0 gives to u1, ..., the
 * last to u0), each in two conversations (with its giftee and with its santa), sending
 * messages of its own content alternately into both, so every conversation has two writers.
 */
import assert from 'node:assert/strict';
import { ringGroup } from '../../helpers/relay-cluster.js';
import { ChaosClient, sleep, until, type ChaosClientOptions } from './chaos-client.js';

export interface RingOptions {
  /** Where the clients connect (a relay, or a balancer in front of several). */
  server: string;
  size: number;
  groupId?: string;
  putGroup: (groupId: string, body: unknown) => Promise<Response>;
  /** Each client's credentials. */
  credentials: (userId: string) => Pick<ChaosClientOptions, 'token' | 'tokenProvider'>;
}

export class Ring {
  readonly clients: ChaosClient[];
  /** Each client's two conversations: with its giftee, with its santa. */
  readonly #conversations = new Map<ChaosClient, [string, string]>();

  private constructor(clients: ChaosClient[]) {
    this.clients = clients;
  }

  /** Creates the raffle, connects every client and opens the ring's conversations ("Message Match"). */
  static async start(options: RingOptions): Promise<Ring> {
    const groupId = options.groupId ?? 'ring';
    const put = await options.putGroup(groupId, ringGroup(options.size));
    assert.equal(put.status, 201, 'the raffle is created');
    const clients = Array.from(
      { length: options.size },
      (_, index) => new ChaosClient({ server: options.server, userId: `u${index}`, ...options.credentials(`u${index}`) }),
    );
    const ring = new Ring(clients);
    try {
      await Promise.all(clients.map((client) => client.connect()));
      const withGiftee = await Promise.all(clients.map(async (client) => (await client.client.messageMatch(groupId)).id));
      clients.forEach((client, index) => {
        const withSanta = withGiftee[(index + options.size - 1) % options.size] as string;
        ring.#conversations.set(client, [withGiftee[index] as string, withSanta]);
      });
      await until('every client lists both of its conversations', () =>
        clients.every((client) => ring.conversationsOf(client).every((id) => client.conversationIds().includes(id))),
      );
    } catch (error) {
      ring.stop();
      throw error;
    }
    return ring;
  }

  conversationsOf(client: ChaosClient): [string, string] {
    const pair = this.#conversations.get(client);
    if (!pair) throw new Error(`${client.userId} is not in the ring`);
    return pair;
  }

  /** `count` messages from `client`, alternately to its giftee and its santa, `intervalMs` apart. */
  async send(client: ChaosClient, count: number, intervalMs: number): Promise<void> {
    const [withGiftee, withSanta] = this.conversationsOf(client);
    for (let index = 0; index < count; index += 1) {
      const number = client.sent.size;
      await client.send(number % 2 === 0 ? withGiftee : withSanta, `${client.userId} #${number}`);
      if (intervalMs > 0) await sleep(intervalMs);
    }
  }

  /** Every client (but `except`) sends `perClient` messages. */
  sendAll(perClient: number, intervalMs: number, except: ReadonlySet<ChaosClient> = new Set()): Promise<void> {
    return Promise.all(
      this.clients.filter((client) => !except.has(client)).map((client) => this.send(client, perClient, intervalMs)),
    ).then(() => undefined);
  }

  /** ACK frames received so far, by all clients. */
  acked(): number {
    let count = 0;
    for (const client of this.clients) count += client.tap.acks.size;
    return count;
  }

  sent(): number {
    let count = 0;
    for (const client of this.clients) count += client.sent.size;
    return count;
  }

  /** Messages sent into each conversation, by all clients. */
  #expected(): Map<string, number> {
    const expected = new Map<string, number>();
    for (const client of this.clients) {
      for (const { conversationId } of client.sent.values()) expected.set(conversationId, (expected.get(conversationId) ?? 0) + 1);
    }
    return expected;
  }

  /** Clients with something in the outbox, or missing messages of their conversations. */
  lagging(): { user: string; state: string; pending: number; held: string[] }[] {
    const expected = this.#expected();
    return this.clients
      .map((client) => ({
        user: client.userId,
        state: client.client.state,
        pending: client.pending(),
        held: this.conversationsOf(client).map((id) => `${client.held(id).size}/${expected.get(id) ?? 0}`),
      }))
      .filter((entry) => entry.pending > 0 || entry.held.some((held) => !/^(\d+)\/\1$/.test(held)));
  }

  /**
   * Waits until every outbox is empty and both sides of every conversation hold every message
   * sent into it; resolves with how long that took, or null after `timeoutMs`, or once nothing
   * has moved for `stallMs` (the counts that follow say what is missing).
   */
  async drained(timeoutMs: number, stallMs = 25_000): Promise<number | null> {
    const startedAt = Date.now();
    let progress = '';
    let movedAt = startedAt;
    for (;;) {
      const lagging = this.lagging();
      if (lagging.length === 0) return Date.now() - startedAt;
      const now = Date.now();
      const current = JSON.stringify(lagging);
      if (current !== progress) [progress, movedAt] = [current, now];
      if (now - startedAt > timeoutMs || now - movedAt > stallMs) {
        console.log(`chaos-debug: not drained after ${now - startedAt} ms: ${JSON.stringify(lagging.slice(0, 10))}`);
        return null;
      }
      await sleep(100);
    }
  }

  stop(): void {
    for (const client of this.clients) client.stop();
  }
}
