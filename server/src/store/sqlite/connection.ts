import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens a connection to the database file at `path` (creating its folder), or `:memory:`,
 * with the settings every connection of the store runs with: the main thread's and the
 * writer thread's (`sqlite-writer-thread.ts`) alike.
 */
export function connectSqlite(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  try {
    // WAL lets readers run beside the writer; with it, FULL syncs the WAL at every commit, so
    // an ACK sent after a commit survives a power cut, not only a crash. A commit becomes
    // visible to the other connection only after that sync.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    // Right to erasure: deleted rows are overwritten with zeros instead of left in free space.
    database.pragma('secure_delete = ON');
    database.pragma('busy_timeout = 5000');
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}
