/**
 * The "reveal per pair" migration (schema version 2) on a populated version-1 schema: the rows
 * are written with the version-1 statements, the current store opens the schema (and so applies
 * every later version), and each conversation and pair has the reveal the migration derives
 * from the group latch, with nothing else lost (`conformance/reveal-v1.test-support.ts`).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { checkPostgres, reportUnavailable, TEST_DATABASE_URL } from '../../../../test/helpers/services.js';
import {
  assertMigratedFromV1,
  EXPECTED_PAIR_REVEALS,
  PAIR_REVEALS_SQL,
  T0,
  V1_ROWS,
  V1_TABLES_KEPT,
} from '../conformance/reveal-v1.test-support.js';
import { applyPostgresMigrations, postgresMigrations, quoteIdentifier } from './migrations.js';
import { openPostgresStore } from './store.js';

const url = TEST_DATABASE_URL;
const postgres = await checkPostgres(url);

if (postgres.available) defineTests();
else reportUnavailable(postgres);

type Row = Record<string, unknown>;

function defineTests(): void {
  describe('PostgreSQL migration from schema version 1 (reveal per group) to reveal per pair', () => {
    const schema = `test_migrate_v1_${process.pid}_${randomBytes(4).toString('hex')}`;
    /** Every connection of this test runs in the scratch schema, and reads BIGINT as numbers (as the store does). */
    const types = new pg.TypeOverrides();
    types.setTypeParser(20, 'text', Number);
    const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}`, types });
    pool.on('error', () => undefined);
    after(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
      await pool.end();
    });

    /** Every row of `table` with the columns version 1 had, in a stable order. */
    async function v1Columns(table: string): Promise<Row[]> {
      const columns = Object.keys(V1_ROWS.find((entry) => entry.table === table)!.rows[0]!);
      return (await pool.query<Row>(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${columns.slice(0, 3).join(', ')}`)).rows;
    }

    it('derives each conversation\'s and each pair\'s reveal from the group latch, and loses nothing', async () => {
      const client = await pool.connect();
      try {
        await applyPostgresMigrations(client, postgresMigrations.filter((migration) => migration.version === 1), { schema, now: T0 });
        await client.query('BEGIN');
        for (const { table, rows } of V1_ROWS) {
          for (const row of rows) {
            const columns = Object.keys(row);
            await client.query(
              `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
              Object.values(row),
            );
          }
        }
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      const kept = Object.fromEntries(await Promise.all(V1_TABLES_KEPT.map(async (table) => [table, await v1Columns(table)] as const)));
      assert.deepEqual((await pool.query('SELECT version FROM schema_migrations')).rows, [{ version: 1 }]);

      const store = await openPostgresStore(url, { schema });
      try {
        await assertMigratedFromV1(store);
      } finally {
        await store.close();
      }

      assert.deepEqual(
        (await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((row) => row.version),
        postgresMigrations.map((migration) => migration.version),
      );
      const pairs = (await pool.query<{ pair: string; revealed_at: number | null }>(PAIR_REVEALS_SQL)).rows;
      assert.deepEqual(
        pairs.map((row) => [row.pair, row.revealed_at]),
        [...EXPECTED_PAIR_REVEALS],
      );
      for (const table of V1_TABLES_KEPT) {
        const rows = await v1Columns(table);
        // assertMigratedFromV1 opened the pair b -> a: one conversation more, nothing else.
        const added = table === 'conversations' ? rows.filter((row) => row.santa_id === 'b' && row.giftee_id === 'a') : [];
        assert.equal(added.length, table === 'conversations' ? 1 : 0);
        assert.deepEqual(rows.filter((row) => !added.includes(row)), kept[table], table);
      }
      const groupColumns = (
        await pool.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [
          schema,
          'groups',
        ])
      ).rows.map((row) => row.column_name);
      assert.ok(groupColumns.includes('reveal_set_at') && !groupColumns.includes('revealed_at'), groupColumns.join(', '));
    });
  });
}
