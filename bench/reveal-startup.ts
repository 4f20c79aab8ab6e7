/**
 * `npm run bench:reveal`: does a relay's start-up time and memory grow with the groups still
 * to be revealed? Starts the real relay (`server/src/main.ts`, its own process) on an empty
 * database and on one holding `--groups N` unrevealed groups (default 100,000), alternating,
 * `--runs` times each; prints the time to a healthy `/healthz`, the RSS once settled, and how
 * late the `REVEAL` of a group due 3 s after start reaches a connected socket.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { signParticipantToken } from '../server/src/auth/jwt.js';
import { openSqliteStore } from '../server/src/store/sqlite/store.js';
import { readOptions, wholeNumber } from './lib/options.js';
import { rssBytes } from './lib/proc.js';
import { median } from './lib/stats.js';

const { groups: GROUPS, runs: RUNS } = readOptions(
  'reveal',
  '[--groups=100000] [--runs=3]',
  { groups: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } },
  (values) => ({ groups: wholeNumber('groups', values.groups), runs: wholeNumber('runs', values.runs) }),
);
const SECRET = 'bench-secret-with-enough-entropy-0123456789';
const ADMIN = 'bench-admin-token-0123456789';

/** A database with `count` groups of three, every one revealed a year from now (raw SQL: fast). */
async function buildDatabase(dir: string, count: number): Promise<string> {
  const path = join(dir, 'relay.db');
  await openSqliteStore(path).close();
  if (count === 0) return path;
  const database = new Database(path);
  const later = Date.now() + 365 * 86_400_000;
  const insertGroup = database.prepare(
    'INSERT INTO groups (id, name, reveal_at, reveal_set_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertMember = database.prepare('INSERT INTO members (group_id, user_id, name, position) VALUES (?, ?, ?, ?)');
  const insertPair = database.prepare('INSERT INTO assignments (group_id, santa_id, giftee_id, position) VALUES (?, ?, ?, ?)');
  database.transaction(() => {
    for (let index = 0; index < count; index += 1) {
      const id = `g${index}`;
      insertGroup.run(id, `Group ${index}`, later + index * 1000, Date.now(), Date.now(), Date.now());
      for (let member = 0; member < 3; member += 1) {
        insertMember.run(id, `${id}-u${member}`, `Person ${member}`, member);
        insertPair.run(id, `${id}-u${member}`, `${id}-u${(member + 1) % 3}`, member);
      }
    }
  })();
  database.close();
  return path;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(path: string): Promise<{ startMs: number; rssMiB: number; revealLateMs: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const startedAt = performance.now();
  const relay = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: `sqlite:${path}`,
      SANTA_CHAT_JWT_SECRET: SECRET,
      SANTA_CHAT_ADMIN_TOKEN: ADMIN,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      const healthy = await fetch(`${url}/healthz`).then((response) => response.ok, () => false);
      if (healthy) break;
      await sleep(20);
    }
    const startMs = performance.now() - startedAt;
    // A group due 3 s from now, with its conversation open and the giftee connected.
    const revealAt = Date.now() + 3000;
    const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    // A new probe group each run: the database is reused, and a pair revealed once stays revealed.
    const probe = `probe-${randomUUID()}`;
    const [a, b, c] = ['a', 'b', 'c'].map((letter) => `${probe}-${letter}`) as [string, string, string];
    const members = [{ id: a, name: 'A' }, { id: b, name: 'B' }, { id: c, name: 'C' }];
    const assignments = [{ santa: a, giftee: b }, { santa: b, giftee: c }, { santa: c, giftee: a }];
    await fetch(`${url}/admin/groups/${probe}`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ name: 'Probe', revealAt: new Date(revealAt).toISOString(), members, assignments }),
    });
    const token = signParticipantToken({ sub: b, exp: Math.floor(Date.now() / 1000) + 600 }, SECRET);
    await fetch(`${url}/groups/${probe}/conversation`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ with: 'santa' }),
    });
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const revealed = new Promise<number>((resolve) => {
      socket.on('message', (data) => {
        if (String(data).includes('"type":"REVEAL"')) resolve(Date.now());
      });
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'AUTH', token })));
    await sleep(2000);
    const rssMiB = rssBytes(relay.pid ?? 0) / 1024 / 1024;
    // A REVEAL that never comes (the socket authenticated after the instant) counts as missed.
    const arrivedAt = await Promise.race([revealed, sleep(10_000).then(() => Number.NaN)]);
    const revealLateMs = arrivedAt - revealAt;
    socket.close();
    return { startMs, rssMiB, revealLateMs };
  } finally {
    relay.kill('SIGTERM');
    await new Promise((resolve) => relay.once('exit', resolve));
  }
}

const dir = await mkdtemp(join(tmpdir(), 'santa-chat-bench-reveal-'));
try {
  const buildStarted = performance.now();
  const databases = { empty: await buildDatabase(join(dir), 0), full: '' };
  const fullDir = await mkdtemp(join(dir, 'full-'));
  databases.full = await buildDatabase(fullDir, GROUPS);
  console.log(`built a database of ${GROUPS.toLocaleString('en')} unrevealed groups in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s`);
  const results = { empty: [] as Awaited<ReturnType<typeof measure>>[], full: [] as Awaited<ReturnType<typeof measure>>[] };
  for (let run = 0; run < RUNS; run += 1) {
    results.empty.push(await measure(databases.empty));
    results.full.push(await measure(databases.full));
  }
  console.log(`\n| database | start to healthy (ms) | RSS settled (MiB) | REVEAL after revealAt (ms) |`);
  console.log('|---|---:|---:|---:|');
  for (const [name, runs] of Object.entries(results)) {
    const label = name === 'empty' ? 'empty' : `${GROUPS.toLocaleString('en')} unrevealed groups`;
    const cell = (pick: (entry: (typeof runs)[number]) => number, digits = 0) =>
      `${median(runs.map(pick)).toFixed(digits)} (${runs.map((entry) => pick(entry).toFixed(digits)).join(', ')})`;
    console.log(`| ${label} | ${cell((entry) => entry.startMs)} | ${cell((entry) => entry.rssMiB, 1)} | ${cell((entry) => entry.revealLateMs)} |`);
  }
  console.log(`\nmedians of ${RUNS}, runs alternated (each run in parentheses)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
