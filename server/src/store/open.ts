import { ConfigError } from '../config.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** Chooses the store from `DATABASE_URL`: `sqlite:PATH` (embedded default) or `postgres://…`. */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('DATABASE_URL=sqlite: needs a file path, e.g. sqlite:./data/santa-chat.db');
    return openSqliteStore(path);
  }
  throw new ConfigError(
    'DATABASE_URL points at PostgreSQL, which this version of the relay cannot use yet; use sqlite:PATH.',
  );
}
