/**
 * Tests that need a service of the machine (PostgreSQL, Redis) probe it once before defining
 * their cases. Unreachable, they fail with a message that says what to start; a developer may
 * set `SANTA_CHAT_SKIP_SERVICES=1` to skip them instead, which CI never honours.
 *
 *   const postgres = await checkService({ name: 'PostgreSQL', url, probe, start: '…' });
 *   if (postgres.available) { ...define the tests... } else reportUnavailable(postgres);
 */
import { it } from 'node:test';
import pg from 'pg';

export type ServiceStatus =
  | { available: true; name: string }
  | { available: false; name: string; skip: boolean; message: string };

export interface ServiceCheck {
  /** As people call it, e.g. "PostgreSQL". */
  name: string;
  /** Where it was looked for; a password in it is masked in messages. */
  url: string;
  /** Resolves when the service answers; should give up within a few seconds. */
  probe: () => Promise<void>;
  /** How to start it, e.g. a shell command. */
  start: string;
}

/** `SANTA_CHAT_SKIP_SERVICES=1`, unless running in CI (`CI` set), where services are required. */
export function skipServicesRequested(): boolean {
  return process.env.SANTA_CHAT_SKIP_SERVICES === '1' && !isCi();
}

function isCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** The URL with any password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

export async function checkService(check: ServiceCheck): Promise<ServiceStatus> {
  try {
    await check.probe();
    return { available: true, name: check.name };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const where = redactUrl(check.url);
    const skip = skipServicesRequested();
    const ciNote =
      process.env.SANTA_CHAT_SKIP_SERVICES === '1' && isCi() ? ' (SANTA_CHAT_SKIP_SERVICES is ignored in CI)' : '';
    const message = skip
      ? `${check.name} is not reachable at ${where} (${reason}); skipped because SANTA_CHAT_SKIP_SERVICES=1`
      : `${check.name} is not reachable at ${where} (${reason}): start it with \`${check.start}\` ` +
        `or set SANTA_CHAT_SKIP_SERVICES=1 to skip${ciNote}`;
    return { available: false, name: check.name, skip, message };
  }
}

/** Defines the one case that stands for the service's tests: skipped with a note, or failing. */
export function reportUnavailable(status: Extract<ServiceStatus, { available: false }>): void {
  if (status.skip) {
    it(`${status.name} tests`, { skip: status.message }, () => undefined);
    return;
  }
  it(`${status.name} is reachable`, () => {
    throw new Error(status.message);
  });
}

export const TEST_DATABASE_URL = process.env.SANTA_CHAT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function checkPostgres(url = TEST_DATABASE_URL): Promise<ServiceStatus> {
  return checkService({
    name: 'PostgreSQL',
    url,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    probe: async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  });
}
