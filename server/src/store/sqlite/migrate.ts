import type Database from 'better-sqlite3';
import type { SqliteMigration } from './migrations.js';

/**
 * Applies, in order, every migration the file has not recorded. Each runs in its own IMMEDIATE
 * transaction with its record, so a crash mid-upgrade leaves the file at the previous version,
 * and a second process opening the same file waits instead of applying it twice.
 */
export function applySqliteMigrations(
  database: Database.Database,
  migrations: readonly SqliteMigration[],
  now: number,
): void {
  database.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  const isApplied = database.prepare<[number], 1>('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = database.prepare<[number, number]>(
    'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)',
  );
  const ordered = [...migrations].sort((left, right) => left.version - right.version);
  for (const migration of ordered) {
    database
      .transaction(() => {
        if (isApplied.get(migration.version) !== undefined) return;
        database.exec(migration.sql);
        record.run(migration.version, now);
      })
      .immediate();
  }
}
