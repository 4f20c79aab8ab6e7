/**
 * `npm run bench:sqlite`: the SQLite writer's CPU per append on a database that already holds
 * `--history` messages (bench/lib/history.ts: the store's own schema, statements and batches),
 * with the appends spread over `--spread` of its conversations, for each writer page cache in
 * `--cache` (KiB, alternating, `--repeat` times). Batches of `--batch` appends commit as the
 * writer thread commits them (BEGIN IMMEDIATE … COMMIT, `synchronous = FULL`, a PASSIVE
 * checkpoint every 200 batches in place of the checkpointer), in this process, so its CPU is
 * the writer's. `bench:relay` cannot show this: its load writes to a few hundred new
 * conversations, whose pages stay few however large the history.
 *
 *   npm run bench:sqlite -- --history=3000000 --spread=20000 --cache=65536,16384 --repeat=2
 */
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBatch } from '../server/src/store/sqlite/batch.js';
import { connectSqlite, SQLITE_CACHE_KIB, SQLITE_WRITER_CACHE_KIB } from '../server/src/store/sqlite/connection.js';
import { prepareSqliteStatements } from '../server/src/store/sqlite/statements.js';
import { prepareSqliteWebhookStatements } from '../server/src/store/sqlite/webhook-statements.js';
import { runBatchedWrite } from '../server/src/store/sqlite/writes.js';
import { newClientId } from '../widget/src/client/client-id.js';
import { copyHistory, HISTORY_CONTENT, historyDatabase, sampleConversations } from './lib/history.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { readOptions, wholeNumber } from './lib/options.js';
import { writeResult, table } from './lib/results.js';
import { median, round } from './lib/stats.js';

const USAGE = '[--history=3000000] [--spread=20000] [--cache=65536,16384] [--batch=46] [--batches=1000] [--warmup=1500] [--repeat=2]';

const { history: HISTORY, spread: SPREAD, caches: CACHES, batch: BATCH, batches: BATCHES, warmup: WARMUP, repeat: REPEAT } = readOptions(
  'sqlite',
  USAGE,
  {
    history: { type: 'string', default: '3000000' },
    spread: { type: 'string', default: '20000' },
    cache: { type: 'string', default: `${SQLITE_CACHE_KIB},${SQLITE_WRITER_CACHE_KIB}` },
    batch: { type: 'string', default: '46' },
    batches: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '1500' },
    repeat: { type: 'string', default: '2' },
  },
  (values) => ({
    history: wholeNumber('history', values.history),
    spread: wholeNumber('spread', values.spread),
    caches: values.cache.split(',').map((kib) => wholeNumber('cache', kib)),
    batch: wholeNumber('batch', values.batch),
    batches: wholeNumber('batches', values.batches),
    warmup: wholeNumber('warmup', values.warmup),
    repeat: wholeNumber('repeat', values.repeat),
  }),
);
const TARGET = join(tmpdir(), `santa-chat-bench-sqlite-${process.pid}.db`);

interface Run {
  cacheKib: number;
  cpuUsPerAppend: number;
  userUsPerAppend: number;
  systemUsPerAppend: number;
  msPerBatch: number;
}

function removeTarget(): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${TARGET}${suffix}`, { force: true });
}

/** One run: a fresh copy of the history, `WARMUP` batches to fill the cache, `BATCHES` measured. */
function runOnce(source: string, cacheKib: number): Run {
  removeTarget();
  copyHistory(source, TARGET);
  const database = connectSqlite(TARGET, { cacheKib });
  try {
    const conversations = sampleConversations(database, SPREAD);
    const statements = prepareSqliteStatements(database);
    const webhooks = prepareSqliteWebhookStatements(database);
    const batch = new SqliteBatch(database);
    const checkpoint = database.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    let sent = 0;
    const commit = (count: number): void => {
      for (let index = 0; index < count; index += 1) {
        const writes = Array.from({ length: BATCH }, () => {
          const conversation = conversations[randomInt(conversations.length)]!;
          const now = Date.now() + sent;
          const input = { conversationId: conversation.id, senderId: conversation.santa, content: `${HISTORY_CONTENT} ${sent++}`, clientId: newClientId(now), now };
          return () => runBatchedWrite(statements, webhooks, { kind: 'append', input });
        });
        batch.commit(writes);
        if (index % 200 === 199) checkpoint.get();
      }
    };
    commit(WARMUP);
    const cpu = process.cpuUsage();
    const started = performance.now();
    commit(BATCHES);
    const used = process.cpuUsage(cpu);
    const appends = BATCH * BATCHES;
    return {
      cacheKib,
      cpuUsPerAppend: round((used.user + used.system) / appends, 1),
      userUsPerAppend: round(used.user / appends, 1),
      systemUsPerAppend: round(used.system / appends, 1),
      msPerBatch: round((performance.now() - started) / BATCHES, 2),
    };
  } finally {
    database.close();
    removeTarget();
  }
}

const machine = machineInfo();
process.stdout.write(`bench:sqlite on ${describeMachine(machine)}\n`);
const source = await historyDatabase(HISTORY, (line) => process.stderr.write(`${line}\n`));
const runs: Run[] = [];
for (let pass = 0; pass < REPEAT; pass += 1) {
  for (const cacheKib of CACHES) {
    const run = runOnce(source, cacheKib);
    runs.push(run);
    process.stdout.write(
      `writer cache ${cacheKib} KiB: ${run.cpuUsPerAppend} µs CPU per append (user ${run.userUsPerAppend}, system ${run.systemUsPerAppend}), ${run.msPerBatch} ms per batch of ${BATCH}\n`,
    );
  }
}
const rows = CACHES.map((cacheKib) => {
  const mine = runs.filter((run) => run.cacheKib === cacheKib);
  const of = (pick: (run: Run) => number): string => String(round(median(mine.map(pick)), 1));
  return [`${cacheKib} KiB`, of((run) => run.cpuUsPerAppend), of((run) => run.userUsPerAppend), of((run) => run.systemUsPerAppend), of((run) => run.msPerBatch)];
});
process.stdout.write(
  `\n${HISTORY.toLocaleString('en-US')} messages stored, appends spread over ${SPREAD.toLocaleString('en-US')} conversations, ` +
    `${BATCHES} batches of ${BATCH} after ${WARMUP}; medians of ${REPEAT}\n\n` +
    `${table(['writer page cache', 'CPU µs/append', 'user', 'system', 'ms/batch'], rows)}\n`,
);
const path = await writeResult('sqlite-writer', { benchmark: 'sqlite-writer', machine, options: { history: HISTORY, spread: SPREAD, caches: CACHES, batch: BATCH, batches: BATCHES, warmup: WARMUP, repeat: REPEAT }, runs });
process.stdout.write(`\nwrote ${path}\n`);
