import type pg from 'pg';

/**
 * The PostgreSQL schema as an append-only list, like `sqlite-migrations.ts`: a released version
 * is never edited, a change is a new entry. Tables mirror SQLite's: TEXT ids, BIGINT epoch-ms
 * times and counters (read back as JS numbers, see `postgres.ts`).
 */

export interface PostgresMigration {
  version: number;
  sql: string;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        reveal_at BIGINT NOT NULL,
        revealed_at BIGINT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );

      CREATE TABLE members (
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (group_id, user_id)
      );

      CREATE TABLE assignments (
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        santa_id TEXT NOT NULL,
        giftee_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        UNIQUE (group_id, santa_id),
        UNIQUE (group_id, giftee_id)
      );

      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        santa_id TEXT NOT NULL,
        giftee_id TEXT NOT NULL,
        alias TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        closed_at BIGINT,
        -- The per-conversation counter: appendMessage bumps it in the insert's transaction, and
        -- the row lock that UPDATE takes serializes the writers of one conversation.
        last_seq BIGINT NOT NULL DEFAULT 0,
        last_activity_at BIGINT NOT NULL
      );
      -- Closed conversations stay (history, erasure by group), so only open ones are unique:
      -- a pair drawn again after a re-draw gets a fresh conversation.
      CREATE UNIQUE INDEX conversations_open_pair
        ON conversations (group_id, santa_id, giftee_id) WHERE closed_at IS NULL;
      CREATE INDEX conversations_santa ON conversations (santa_id);
      CREATE INDEX conversations_giftee ON conversations (giftee_id);

      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq BIGINT NOT NULL,
        sender_id TEXT NOT NULL,
        content TEXT NOT NULL,
        client_id TEXT,
        created_at BIGINT NOT NULL,
        CONSTRAINT messages_conversation_seq UNIQUE (conversation_id, seq),
        -- Dedupe is per sender, not per conversation: a retry is the same send wherever it lands.
        -- NULLs are distinct in a UNIQUE constraint, so a send without clientId never collides.
        CONSTRAINT messages_sender_client UNIQUE (sender_id, client_id)
      );

      CREATE TABLE read_cursors (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        up_to BIGINT NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      );
    `,
  },
  {
    // Reveal per pair, not per group: see sqlite-migrations.ts version 2.
    version: 2,
    sql: `
      ALTER TABLE conversations ADD COLUMN revealed_at BIGINT;
      ALTER TABLE assignments ADD COLUMN revealed_at BIGINT;
      ALTER TABLE groups ADD COLUMN reveal_set_at BIGINT;
      UPDATE groups SET reveal_set_at = updated_at;
      ALTER TABLE groups ALTER COLUMN reveal_set_at SET NOT NULL;
      UPDATE conversations c SET revealed_at = g.revealed_at
        FROM groups g
        WHERE g.id = c.group_id AND g.revealed_at IS NOT NULL AND c.created_at <= g.revealed_at
          AND (c.closed_at IS NULL OR c.closed_at >= g.revealed_at);
      UPDATE assignments a SET revealed_at = c.revealed_at
        FROM conversations c
        WHERE c.group_id = a.group_id AND c.santa_id = a.santa_id AND c.giftee_id = a.giftee_id
          AND c.closed_at IS NULL;
      ALTER TABLE groups DROP COLUMN revealed_at;
      CREATE INDEX groups_reveal_at ON groups (reveal_at);
    `,
  },
  {
    // A participant's groups are read on every READY (`Store.listMemberGroups`).
    version: 3,
    sql: `
      CREATE INDEX members_user ON members (user_id);
    `,
  },
  {
    // Webhooks and reports: see sqlite-migrations.ts version 3.
    version: 4,
    sql: `
      CREATE TABLE unread_notices (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        due_at BIGINT NOT NULL,
        sent_at BIGINT,
        PRIMARY KEY (conversation_id, user_id)
      );
      CREATE INDEX unread_notices_due ON unread_notices (due_at) WHERE sent_at IS NULL;

      CREATE TABLE webhook_events (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        group_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        dedupe_key TEXT UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_status TEXT,
        last_attempt_at BIGINT,
        next_attempt_at BIGINT NOT NULL,
        first_failed_at BIGINT,
        delivered_at BIGINT,
        lease_until BIGINT NOT NULL DEFAULT 0,
        claim_token TEXT,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_events_status ON webhook_events (status, created_at);
      CREATE INDEX webhook_events_group ON webhook_events (group_id);

      CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        conversation_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        reporter_id TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        content TEXT NOT NULL,
        reason TEXT,
        created_at BIGINT NOT NULL,
        UNIQUE (message_id, reporter_id)
      );
      CREATE INDEX reports_group ON reports (group_id, created_at);
    `,
  },
];

/**
 * Applies, in order, every migration the schema has not recorded, all in one transaction that
 * first takes a transaction-level advisory lock: relay processes starting at once queue on the
 * lock, and the later ones find the versions recorded and apply nothing. DDL is transactional in
 * PostgreSQL, so a failure leaves the schema as it was.
 *
 * `schema`, when given, is created here (under the same lock, so concurrent creators do not
 * collide); the connection's `search_path` must already point at it.
 */
export async function applyPostgresMigrations(
  client: pg.ClientBase,
  migrations: readonly PostgresMigration[],
  options: { schema: string | null; now: number },
): Promise<void> {
  await client.query('BEGIN');
  try {
    // One lock per schema, so separate schemas (test runs) migrate side by side.
    await client.query(
      "SELECT pg_advisory_xact_lock(hashtext('santa-chat migrations ' || COALESCE($1::text, current_schema(), '')))",
      [options.schema],
    );
    if (options.schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(applied.rows.map((row) => row.version));
    const ordered = [...migrations].sort((left, right) => left.version - right.version);
    for (const migration of ordered) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        migration.version,
        options.now,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
