/**
 * The store's PostgreSQL connections: the pool (its schema, its size, BIGINT as numbers), the
 * migration before first use, and one transaction on one pooled connection.
 */
import pg from 'pg';
import { applyPostgresMigrations, postgresMigrations } from './migrations.js';

export interface PostgresStoreOptions {
  /**
   * Runs in this schema (created when missing) instead of the server's default `search_path`,
   * e.g. one schema per test run. Letters, digits and `_`, at most 63 characters.
   */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /**
   * Told about errors of idle pooled connections (e.g. the server restarted); the pool drops
   * such a connection and opens a new one when needed. Default: ignored.
   */
  onIdleError?: (error: Error) => void;
}

/** What the pool runs with (for tests and diagnostics). */
export interface PostgresConnectionSettings {
  schema: string | null;
  poolSize: number;
}

const DEFAULT_POOL_SIZE = 10;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const INT8_OID = 20;

/**
 * BIGINT (times, seq, COUNT) as JS numbers, on this pool's connections only: pg's global
 * parsers stay as they are for any other user of `pg` in the process. Every value the store
 * keeps is a safe integer (epoch ms, counters), so the conversion is exact; anything else is a
 * bug worth failing loudly on.
 */
function int8AsNumber(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', (text: string) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new RangeError(`BIGINT ${text} does not fit a JS number`);
    return value;
  });
  return types;
}

/**
 * Builds the pool's connection config. With a schema, `search_path` is a startup parameter of
 * every connection (`options=-c search_path=…`), so no query can run before it is set. pg lets
 * an `options` in the URL override the config's, so the URL's own options are moved into ours.
 */
function poolConfig(url: string, options: PostgresStoreOptions): pg.PoolConfig {
  const config: pg.PoolConfig = {
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    types: int8AsNumber(),
  };
  if (options.schema === undefined) return config;
  let connectionString = url;
  let startupOptions = '';
  try {
    const parsed = new URL(url);
    const fromUrl = parsed.searchParams.get('options');
    if (fromUrl !== null) {
      startupOptions = `${fromUrl} `;
      parsed.searchParams.delete('options');
      connectionString = parsed.toString();
    }
  } catch {
    // Not a URL pg would need help with (e.g. a key=value string): pass it through.
  }
  return { ...config, connectionString, options: `${startupOptions}-c search_path=${options.schema}` };
}

/** A pool on `url`, its schema migrated before it is returned (`openPostgresStore`). */
export async function openMigratedPool(
  url: string,
  options: PostgresStoreOptions,
): Promise<{ pool: pg.Pool; settings: PostgresConnectionSettings }> {
  const schema = options.schema ?? null;
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new Error(`PostgreSQL schema name "${schema}" must be letters, digits and _ (at most 63), not starting with a digit`);
  }
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error(`PostgreSQL poolSize must be a positive integer, got ${poolSize}`);
  const pool = new pg.Pool(poolConfig(url, options));
  // An idle connection that breaks emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  try {
    const client = await pool.connect();
    try {
      await applyPostgresMigrations(client, postgresMigrations, { schema, now: Date.now() });
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return { pool, settings: { schema, poolSize } };
}

/**
 * Runs `work` in a transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when
 * it throws. A connection whose ROLLBACK fails, or that broke meanwhile, is discarded rather
 * than returned to the pool.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no listener of the pool's: a connection lost now (PostgreSQL
  // restarting, the network cut) is emitted as 'error' on the client, which unheard would end
  // the process. The statement under way rejects with it anyway; the client is dropped.
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken ??= error;
  };
  client.on('error', onError);
  const release = (error?: Error): void => {
    client.off('error', onError);
    client.release(error ?? broken);
  };
  try {
    await client.query('BEGIN');
  } catch (error) {
    release(asError(error));
    throw error;
  }
  try {
    const result = await work(client);
    await client.query('COMMIT');
    release();
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
      release();
    } catch (rollbackError) {
      release(asError(rollbackError));
    }
    throw error;
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
