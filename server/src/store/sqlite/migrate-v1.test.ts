/**
 * The "reveal per pair" migration (schema version 2) on a populated version-1 file: the rows
 * are written with the version-1 statements, the current store opens the file (and so applies
 * every later version), and each conversation and pair has the reveal the migration derives
 * from the group latch, with nothing else lost (`conformance/reveal-v1.test-support.ts`).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  assertMigratedFromV1,
  EXPECTED_PAIR_REVEALS,
  PAIR_REVEALS_SQL,
  T0,
  V1_ROWS,
  V1_TABLES_KEPT,
} from '../conformance/reveal-v1.test-support.js';
import { applySqliteMigrations } from './migrate.js';
import { sqliteMigrations } from './migrations.js';
import { openSqliteStore } from './store.js';

type Row = Record<string, unknown>;

/** A version-1 file with the scenario's rows, as a relay of that version left it. */
function writeV1Database(path: string): void {
  const database = new Database(path);
  try {
    database.pragma('foreign_keys = ON');
    applySqliteMigrations(database, sqliteMigrations.filter((migration) => migration.version === 1), T0);
    database.transaction(() => {
      for (const { table, rows } of V1_ROWS) {
        for (const row of rows) {
          const columns = Object.keys(row);
          database.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`).run(row);
        }
      }
    })();
  } finally {
    database.close();
  }
}

/**
 * Every row of `table` with the columns version 1 had and the file still has (schema 6 dropped
 * the counters `conversations.last_seq` and `last_activity_at`), in a stable order.
 */
function v1Columns(database: Database.Database, table: string): Row[] {
  const present = new Set(database.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all().map((column) => column.name));
  const columns = Object.keys(V1_ROWS.find((entry) => entry.table === table)!.rows[0]!).filter((column) => present.has(column));
  return database.prepare<[], Row>(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${columns.slice(0, 3).join(', ')}`).all();
}

describe('SQLite migration from schema version 1 (reveal per group) to reveal per pair', () => {
  it('derives each conversation\'s and each pair\'s reveal from the group latch, and loses nothing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'santa-chat-migrate-v1-'));
    const path = join(directory, 'santa-chat.db');
    try {
      writeV1Database(path);
      const before = new Database(path, { readonly: true });
      const kept = Object.fromEntries(V1_TABLES_KEPT.map((table) => [table, v1Columns(before, table)]));
      assert.deepEqual(before.prepare('SELECT version FROM schema_migrations').pluck().all(), [1]);
      before.close();

      const store = openSqliteStore(path);
      try {
        await assertMigratedFromV1(store);
      } finally {
        await store.close();
      }

      const after = new Database(path, { readonly: true });
      try {
        assert.deepEqual(
          after.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all(),
          sqliteMigrations.map((migration) => migration.version),
        );
        const pairs = after.prepare<[], { pair: string; revealed_at: number | null }>(PAIR_REVEALS_SQL).all();
        assert.deepEqual(
          pairs.map((row) => [row.pair, row.revealed_at]),
          [...EXPECTED_PAIR_REVEALS],
        );
        for (const table of V1_TABLES_KEPT) {
          const rows = v1Columns(after, table);
          // assertMigratedFromV1 opened the pair b -> a: one conversation more, nothing else.
          const added = table === 'conversations' ? rows.filter((row) => row.santa_id === 'b' && row.giftee_id === 'a') : [];
          assert.equal(added.length, table === 'conversations' ? 1 : 0);
          const keptColumns = Object.keys(rows[0]!);
          const keptRows = kept[table]!.map((row) => Object.fromEntries(keptColumns.map((column) => [column, row[column]])));
          assert.deepEqual(rows.filter((row) => !added.includes(row)), keptRows, table);
        }
        const groupColumns = after.prepare<[], { name: string }>('PRAGMA table_info(groups)').all().map((column) => column.name);
        assert.ok(groupColumns.includes('reveal_set_at') && !groupColumns.includes('revealed_at'), groupColumns.join(', '));
        assert.deepEqual(after.prepare('PRAGMA foreign_key_check').all(), []);
      } finally {
        after.close();
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
