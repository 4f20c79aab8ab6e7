/**
 * How many durable SQLite commits a second this disk allows: one row per transaction, in a
 * WAL database with `synchronous = FULL`, the relay's settings (server/src/store/sqlite/store.ts),
 * so each commit waits for an fsync. A relay that commits each message on its own cannot
 * store more messages a second than this.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { summarize, type LatencySummary } from './stats.js';

export interface DiskCeiling {
  dir: string;
  commitsPerSecond: number;
  commitMs: LatencySummary;
}

export async function durableCommitCeiling(dir: string, durationMs = 3000): Promise<DiskCeiling> {
  const folder = await mkdtemp(join(dir, 'santa-chat-bench-disk-'));
  const database = new Database(join(folder, 'commits.db'));
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.exec('CREATE TABLE messages (id INTEGER PRIMARY KEY, content TEXT NOT NULL, created_at INTEGER NOT NULL)');
    const insert = database.prepare('INSERT INTO messages (content, created_at) VALUES (?, ?)');
    const commit = database.transaction((content: string) => insert.run(content, Date.now()));
    const latencies: number[] = [];
    const started = performance.now();
    while (performance.now() - started < durationMs) {
      const before = performance.now();
      commit.immediate('Do you like blue or red? Wool or cotton? Asking for a friend');
      latencies.push(performance.now() - before);
    }
    return { dir, commitsPerSecond: latencies.length / ((performance.now() - started) / 1000), commitMs: summarize(latencies) };
  } finally {
    database.close();
    await rm(folder, { recursive: true, force: true });
  }
}
