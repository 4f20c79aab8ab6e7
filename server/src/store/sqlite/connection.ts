import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Page cache of the store's own connection (the reads, and the writes outside the batches), in
 * KiB (negative `cache_size`): the history pages and conversation lists of a database of
 * millions of messages read from it. SQLite allocates it as pages are used: a small database
 * never grows to it.
 */
export const SQLITE_CACHE_KIB = 64 * 1024;

/**
 * Page cache of the writer thread's connection (`writer-worker.ts`) while the file is under
 * 1 GiB, in KiB: the interior pages of every B-tree in the file fit more than twice over (about
 * 1,500 pages, 6 MiB, with 3 million messages stored), and the leaves it writes are read back
 * from the OS's page cache. Not larger, because at the end of each transaction that split a
 * B-tree page SQLite walks its whole page cache: a split's page swap goes through the lock-byte
 * page's number, past the end of a file under 1 GiB, and the COMMIT then looks for cached pages
 * past the end. With 64 MiB full, that walk was 14 % of the writer's CPU at 3 million messages.
 * A file of 1 GiB or more holds that page, the walk stops, and the writer's cache is
 * `SQLITE_CACHE_KIB` (`writerCacheKib`; docs/decisions/0027-the-writers-page-cache.md).
 */
export const SQLITE_WRITER_CACHE_KIB = 16 * 1024;

/** Where SQLite's lock-byte page starts: byte 2^30 (`PENDING_BYTE`). */
const LOCK_BYTE_OFFSET = 2 ** 30;

/** The writer's page cache for a file of `pages` pages of `pageSize` bytes (above). */
export function writerCacheKib(pages: number, pageSize: number): number {
  return pages >= LOCK_BYTE_OFFSET / pageSize + 1 ? SQLITE_CACHE_KIB : SQLITE_WRITER_CACHE_KIB;
}

export interface SqliteConnectionOptions {
  /** Page cache in KiB; `SQLITE_CACHE_KIB` unless said. */
  cacheKib?: number;
}

/** The WAL's size past which the writer checkpoints itself (`writer-worker.ts`). */
export const SQLITE_WAL_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Opens a connection to the database file at `path` (creating its folder), or `:memory:`,
 * with the settings every connection of the store runs with: the main thread's and the
 * writer thread's (`writer-thread.ts`) alike, but for the page cache's size.
 */
export function connectSqlite(path: string, options: SqliteConnectionOptions = {}): Database.Database {
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
    database.pragma(`cache_size = -${options.cacheKib ?? SQLITE_CACHE_KIB}`);
    // No connection checkpoints at its own COMMIT: the writer thread's checkpointer copies the
    // WAL back on a timer, beside the commits (`checkpointer.ts`). With the default (1,000
    // pages) the commit that crossed the mark copied and synced the database file before its
    // ACKs could go, about every batch under load.
    database.pragma('wal_autocheckpoint = 0');
    // A WAL that grew under a burst is cut back to this when it starts again.
    database.pragma(`journal_size_limit = ${SQLITE_WAL_LIMIT_BYTES}`);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * The writer thread's connection: the same settings, with the writer's page cache sized for the
 * file as it is when the thread starts (`writerCacheKib`). A file that grows past 1 GiB while
 * the relay runs gets the larger cache at the relay's next start: until then its writer pays a
 * few more reads from the OS's page cache, about 2 µs per append (decision 0027).
 */
export function connectSqliteWriter(path: string): Database.Database {
  const database = connectSqlite(path, { cacheKib: SQLITE_WRITER_CACHE_KIB });
  const pages = Number(database.pragma('page_count', { simple: true }));
  const pageSize = Number(database.pragma('page_size', { simple: true }));
  const kib = writerCacheKib(pages, pageSize);
  if (kib !== SQLITE_WRITER_CACHE_KIB) database.pragma(`cache_size = -${kib}`);
  return database;
}

/** What the connection actually runs with, as SQLite reports it (for tests and diagnostics). */
export interface SqliteConnectionSettings {
  journalMode: string;
  synchronous: number;
  foreignKeys: boolean;
  secureDelete: boolean;
  busyTimeoutMs: number;
  cacheSizeKib: number;
  walAutocheckpoint: number;
}

export function readConnectionSettings(database: Database.Database): SqliteConnectionSettings {
  const pragma = (name: string): unknown => database.pragma(name, { simple: true });
  return {
    journalMode: String(pragma('journal_mode')),
    synchronous: Number(pragma('synchronous')),
    foreignKeys: Number(pragma('foreign_keys')) === 1,
    secureDelete: Number(pragma('secure_delete')) === 1,
    busyTimeoutMs: Number(pragma('busy_timeout')),
    cacheSizeKib: -Number(pragma('cache_size')),
    walAutocheckpoint: Number(pragma('wal_autocheckpoint')),
  };
}
