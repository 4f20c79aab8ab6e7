/**
 * `bench:relay --history=N`: a database that already holds N messages, written through the
 * relay's own migrations, store and batched writes (server/src/store/sqlite), so the load runs
 * on the schema, indexes and page layout a relay with that history has. Built once per N and
 * per version of the store's code (a hash of its files is in the name) in a cache folder under
 * the OS temp dir, then copied for each scenario.
 *
 * The history: groups of four (h<g>, members h<g>-0..3, the cycle 0->1->2->3->0), every pair's
 * conversation open, about 25 messages per conversation, sent in a random interleaving by either
 * participant, each with a clientId as the widget makes it (a UUIDv7 of its time), about 60
 * characters long.
 */
import { createHash, randomInt } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { SqliteBatch } from '../../server/src/store/sqlite/batch.js';
import { connectSqlite } from '../../server/src/store/sqlite/connection.js';
import { SqliteInThreadWriter } from '../../server/src/store/sqlite/in-thread-writer.js';
import { applySqliteMigrations } from '../../server/src/store/sqlite/migrate.js';
import { sqliteMigrations } from '../../server/src/store/sqlite/migrations.js';
import { prepareSqliteStatements } from '../../server/src/store/sqlite/statements.js';
import { SqliteStore } from '../../server/src/store/sqlite/store.js';
import { prepareSqliteWebhookStatements } from '../../server/src/store/sqlite/webhook-statements.js';
import { runBatchedWrite } from '../../server/src/store/sqlite/writes.js';
import { newClientId } from '../../widget/src/client/client-id.js';

export const HISTORY_CACHE_DIR = join(tmpdir(), 'santa-chat-bench-history');
const STORE_DIR = fileURLToPath(new URL('../../server/src/store/sqlite/', import.meta.url));
const MESSAGES_PER_CONVERSATION = 25;
/** A history message's text, about 60 characters, before its number. */
export const HISTORY_CONTENT = 'Do you like blue or red? Wool or cotton? Asking for a friend';

export interface HistoryConversation {
  id: string;
  santa: string;
  giftee: string;
}

/**
 * The store's code as it writes, the ids it makes, this file's (what it writes) and the
 * widget's clientIds: a different schema, write path, key order or history is a different
 * cache entry.
 */
function storeVersion(): string {
  const hash = createHash('sha256');
  for (const file of ['migrations.ts', 'statements.ts', 'writes.ts', 'batch.ts', 'connection.ts', '../ids.ts']) {
    hash.update(readFileSync(join(STORE_DIR, file)));
  }
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(readFileSync(fileURLToPath(new URL('../../widget/src/client/client-id.ts', import.meta.url))));
  return hash.digest('hex').slice(0, 12);
}

/** The path of the cached database with `messages` messages, building it when missing. */
export async function historyDatabase(messages: number, log: (line: string) => void): Promise<string> {
  mkdirSync(HISTORY_CACHE_DIR, { recursive: true });
  const path = join(HISTORY_CACHE_DIR, `history-${messages}-${storeVersion()}.db`);
  if (existsSync(path)) return path;
  const building = `${path}.building-${process.pid}`;
  const started = performance.now();
  await build(building, messages, log);
  renameSync(building, path);
  log(`history of ${messages.toLocaleString('en-US')} messages built in ${Math.round((performance.now() - started) / 1000)} s: ${path}`);
  return path;
}

/** Copies the cached database to `target` (one copy per scenario: the load writes to it). */
export function copyHistory(source: string, target: string): void {
  copyFileSync(source, target);
  // On disk before the relay starts: otherwise the kernel writes the copy back during the
  // measured window, and the relay's fsyncs wait behind hundreds of megabytes that are not its.
  const file = openSync(target, 'r+');
  try {
    fsyncSync(file);
  } finally {
    closeSync(file);
  }
}

async function build(path: string, messages: number, log: (line: string) => void): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const database = connectSqlite(path);
  // Only the build runs unsynced (a crash just means building again); the relay opens the
  // result with its own settings.
  database.pragma('synchronous = OFF');
  // The relay's checkpointer thread is not running here: SQLite's own, in large steps.
  database.pragma('wal_autocheckpoint = 20000');
  const now = Date.now() - 30 * 24 * 3600 * 1000;
  applySqliteMigrations(database, sqliteMigrations, now);
  const statements = prepareSqliteStatements(database);
  const store = new SqliteStore(database, statements, new SqliteInThreadWriter(database, statements));
  const conversationCount = Math.max(4, Math.ceil(messages / MESSAGES_PER_CONVERSATION / 4) * 4);
  const conversations: HistoryConversation[] = [];
  const revealAt = Date.now() + 60 * 24 * 3600 * 1000;
  for (let group = 0; group < conversationCount / 4; group += 1) {
    const ids = [0, 1, 2, 3].map((member) => `h${group}-${member}`);
    await store.putGroup(
      `h${group}`,
      {
        name: `History ${group}`,
        revealAt,
        members: ids.map((id) => ({ id, name: `Member ${id}` })),
        assignments: ids.map((id, index) => ({ santa: id, giftee: ids[(index + 1) % 4]! })),
      },
      now,
    );
    for (let index = 0; index < 4; index += 1) {
      const opened = await store.openConversation(`h${group}`, ids[index]!, ids[(index + 1) % 4]!, now);
      if (opened === null) throw new Error(`history: no conversation for h${group}`);
      conversations.push({ id: opened.context.conversation.id, santa: ids[index]!, giftee: ids[(index + 1) % 4]! });
    }
  }
  // The appends through the relay's batched write, in batches like the writer thread's.
  const webhooks = prepareSqliteWebhookStatements(database);
  const batch = new SqliteBatch(database);
  const BATCH = 2000;
  let written = 0;
  let lastLog = performance.now();
  while (written < messages) {
    const size = Math.min(BATCH, messages - written);
    const writes = Array.from({ length: size }, (_, index) => {
      const conversation = conversations[randomInt(conversations.length)]!;
      const senderId = randomInt(2) === 0 ? conversation.santa : conversation.giftee;
      const input = { conversationId: conversation.id, senderId, content: `${HISTORY_CONTENT} ${written + index}`, clientId: newClientId(now + written + index), now: now + written + index };
      return () => runBatchedWrite(statements, webhooks, { kind: 'append', input });
    });
    batch.commit(writes);
    written += size;
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  history: ${written.toLocaleString('en-US')} of ${messages.toLocaleString('en-US')} messages`);
    }
  }
  database.pragma('wal_checkpoint(TRUNCATE)');
  await store.close();
}

/** A random sample of the history's conversations (`bench:sqlite` spreads its appends over them), read from a copy. */
export function sampleConversations(database: Database.Database, count: number): HistoryConversation[] {
  return database
    .prepare("SELECT id, santa_id AS santa, giftee_id AS giftee FROM conversations WHERE group_id LIKE 'h%' ORDER BY random() LIMIT ?")
    .all(count) as HistoryConversation[];
}
