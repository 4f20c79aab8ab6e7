import { ConfigError } from './core/errors.js';
import { openPostgresStore } from './store/postgres/store.js';
import { openSqliteStore } from './store/sqlite/store.js';
import type { Store } from './store/store.js';

/**
 * Chooses the store from `DATABASE_URL`: `sqlite:PATH` (embedded default) or `postgres://…`
 * (several relays share it). A `schema` query parameter (`postgres://…/db?schema=chat`) keeps
 * the relay's tables in that schema, created when missing.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path === '') throw new ConfigError('DATABASE_URL=sqlite: needs a file path, e.g. sqlite:./data/santa-chat.db');
    return openSqliteStore(path);
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgres(databaseUrl);
  throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl.split(':')[0]}:…".`);
}

async function openPostgres(databaseUrl: string): Promise<Store> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid postgres:// URL.');
  }
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  try {
    return await openPostgresStore(url.toString(), schema === undefined ? {} : { schema });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`DATABASE_URL: cannot open PostgreSQL at ${redact(url)} (${reason}).`);
  }
}

function redact(url: URL): string {
  const shown = new URL(url);
  if (shown.password !== '') shown.password = '***';
  return shown.toString();
}
