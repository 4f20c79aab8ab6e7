/**
 * The parts a `bench:relay` scenario is made of, shared with `bench:kill`: the server under
 * test (the relay, or the baseline forwarder) as a child process, the load generator and its
 * IPC channel, the plan of groups, tokens and pairs the load uses, and the check that every
 * ACKed message is in the relay's database. Every child process started here is killed when
 * this process exits or is interrupted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { signParticipantToken } from '../../server/src/auth/jwt.js';
import { benchIdOf } from './client-ids.js';
import type { FromGenerator, PairPlan, Target, ToGenerator } from './generator-protocol.js';
import { mapLimit, startServer, within, type ServerProcess } from './processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RELAY_MAIN = join(ROOT, 'server/src/main.ts');
const BASELINE = join(ROOT, 'bench/baseline/relay.mjs');
const GENERATOR = join(ROOT, 'bench/load-generator.ts');

// Every child this process starts, so a deadline or Ctrl-C leaves nothing behind.
const children = new Set<ChildProcess>();
function track(child: ChildProcess): void {
  children.add(child);
  child.on('exit', () => children.delete(child));
}
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** The load generator process and its IPC channel. */
export class Generator {
  readonly child: ChildProcess;
  readonly #listeners = new Set<(message: FromGenerator) => void>();

  constructor() {
    this.child = fork(GENERATOR, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    track(this.child);
    this.child.on('message', (message: FromGenerator) => {
      for (const listener of this.#listeners) listener(message);
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the generator has no pid');
    return this.child.pid;
  }

  on(listener: (message: FromGenerator) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  request<K extends FromGenerator['type']>(command: ToGenerator, answer: K, timeoutMs: number): Promise<Extract<FromGenerator, { type: K }>> {
    let off = (): void => {};
    const answered = new Promise<Extract<FromGenerator, { type: K }>>((resolve, reject) => {
      off = this.on((message) => {
        if (message.type === answer) resolve(message as Extract<FromGenerator, { type: K }>);
        if (message.type === 'fatal') reject(new Error(`load generator failed: ${message.message}`));
      });
      this.child.once('exit', (code) => reject(new Error(`load generator exited (${code})`)));
    });
    this.child.send(command);
    return within(answered, timeoutMs, `generator: ${command.type}`).finally(off);
  }

  async close(): Promise<void> {
    // Gone already (it exited, was killed, or its channel closed): nothing to ask it.
    if (this.child.exitCode !== null || this.child.signalCode !== null || !this.child.connected) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'close' } satisfies ToGenerator);
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
}

export interface Secrets {
  jwt: string;
  admin: string;
  /** With `--webhooks`: where the relay sends them. */
  webhookUrl?: string;
}

/** `--webhooks`: a receiver that answers every delivery 204 and counts them. */
export async function startWebhookReceiver(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received: () => received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function startTarget(target: Target, dataDir: string, secrets: Secrets): Promise<ServerProcess> {
  // The inspector only listens; a session is opened to force a GC or to profile, then closed.
  const inspect = '--inspect=127.0.0.1:0';
  const server =
    target === 'relay'
      ? await startServer({
          name: 'relay',
          nodeArgs: [...((process.env.BENCH_RELAY_NODE_ARGS ?? '').split(' ').filter(Boolean)), '--import', 'tsx', ...(process.env.BENCH_RELAY_IMPORT ? ['--import', process.env.BENCH_RELAY_IMPORT] : []), inspect],
          script: RELAY_MAIN,
          env: {
            PORT: '0',
            HOST: '127.0.0.1',
            SANTA_CHAT_JWT_SECRET: secrets.jwt,
            SANTA_CHAT_ADMIN_TOKEN: secrets.admin,
            DATABASE_URL: `sqlite:${join(dataDir, 'relay.db')}`,
            // The per-user limit is for people; a load test raises it (docs/protocol.md §5).
            SANTA_CHAT_RATE_MESSAGES: '1000000000',
            LOG_LEVEL: 'silent',
            ...(secrets.webhookUrl === undefined
              ? {}
              : {
                  SANTA_CHAT_WEBHOOK_URL: secrets.webhookUrl,
                  SANTA_CHAT_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
                  SANTA_CHAT_NOTIFY_AFTER_MS: '1000',
                }),
          },
          listening: /listening on (http:\/\/\S+)/,
        })
      : await startServer({
          name: 'baseline',
          nodeArgs: [inspect],
          script: BASELINE,
          env: { PORT: '0' },
          listening: /listening on (ws:\/\/\S+)/,
        });
  track(server.child);
  return server;
}

export interface Plan {
  wsUrl: string;
  hellos: string[];
  pairs: PairPlan[];
}

export const userId = (index: number): string => `u${index}`;

/**
 * The relay's side of the plan, as a host site would do it: groups of four registered through
 * the admin API, each a cycle a->b->c->d->a, of which the pairs a->b and c->d are used, so every
 * socket is in exactly one santa-giftee conversation and every group stays anonymous (a
 * two-person group could not be). Conversations are opened by the santas over HTTP.
 */
export async function relayPlan(url: string, sockets: number, secrets: Secrets): Promise<Plan> {
  const revealAt = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
  const groups = Array.from({ length: sockets / 4 }, (_, group) => group);
  await mapLimit(groups, 8, async (group) => {
    const ids = [0, 1, 2, 3].map((offset) => userId(group * 4 + offset));
    const response = await fetch(`${url}/admin/groups/g${group}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${secrets.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Bench ${group}`,
        revealAt,
        members: ids.map((id) => ({ id, name: `Member ${id}` })),
        assignments: ids.map((id, offset) => ({ santa: id, giftee: ids[(offset + 1) % 4] })),
      }),
    });
    if (response.status !== 201) throw new Error(`PUT /admin/groups/g${group}: ${response.status} ${await response.text()}`);
  });
  const exp = Math.floor(Date.now() / 1000) + 3 * 3600;
  const tokens = Array.from({ length: sockets }, (_, index) => signParticipantToken({ sub: userId(index), exp }, secrets.jwt));
  const santas = groups.flatMap((group) => [group * 4, group * 4 + 2]);
  const pairs = await mapLimit(santas, 8, async (santa): Promise<PairPlan> => {
    const response = await fetch(`${url}/groups/g${Math.floor(santa / 4)}/conversation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[santa]}`, 'content-type': 'application/json' },
      body: '{"with":"giftee"}',
    });
    const body = (await response.json()) as { conversation?: { id: string } };
    if (response.status !== 201 || !body.conversation) throw new Error(`POST conversation: ${response.status} ${JSON.stringify(body)}`);
    return { a: santa, b: santa + 1, conversationId: body.conversation.id };
  });
  return {
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    hellos: tokens.map((token) => JSON.stringify({ type: 'AUTH', token })),
    pairs,
  };
}

/** The baseline's side: the same pairs, named by a key the sockets say in HELLO. */
export function baselinePlan(url: string, sockets: number): Plan {
  const pairs = Array.from({ length: sockets / 2 }, (_, pair) => ({ a: pair * 2, b: pair * 2 + 1, conversationId: `p${pair}` }));
  return {
    wsUrl: url,
    hellos: Array.from({ length: sockets }, (_, index) => JSON.stringify({ type: 'HELLO', pair: `p${Math.floor(index / 2)}` })),
    pairs,
  };
}

/** Every ACKed message must be in the database: the relay ACKs only after the commit. */
export function checkStored(path: string, ackedIds: readonly number[]): { acked: number; missing: number; rows: number } {
  const database = new Database(path, { readonly: true, fileMustExist: true });
  try {
    // The load's senders only (u<n>), not a pre-filled history (h<g>-<n>).
    const stored = new Set(
      (database.prepare("SELECT client_id FROM messages WHERE sender_id GLOB 'u*' AND client_id IS NOT NULL").pluck().all() as string[]).map(benchIdOf),
    );
    const missing = ackedIds.filter((id) => !stored.has(id)).length;
    return { acked: ackedIds.length, missing, rows: stored.size };
  } finally {
    database.close();
  }
}
