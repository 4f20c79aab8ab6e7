/**
 * The SQLite schema as an append-only list: a released version is never edited, a change is a
 * new entry, so a database file created by any earlier relay upgrades in place at open.
 */

export interface SqliteMigration {
  version: number;
  sql: string;
}

export const sqliteMigrations: readonly SqliteMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        reveal_at INTEGER NOT NULL,
        revealed_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
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
        created_at INTEGER NOT NULL,
        closed_at INTEGER,
        last_seq INTEGER NOT NULL DEFAULT 0,
        last_activity_at INTEGER NOT NULL
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
        seq INTEGER NOT NULL,
        sender_id TEXT NOT NULL,
        content TEXT NOT NULL,
        client_id TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE (conversation_id, seq)
      );
      -- Dedupe is per sender, not per conversation: a retry is the same send wherever it lands.
      CREATE UNIQUE INDEX messages_sender_client
        ON messages (sender_id, client_id) WHERE client_id IS NOT NULL;

      CREATE TABLE read_cursors (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        up_to INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, user_id)
      );
    `,
  },
  {
    // Reveal per pair, not per group (docs/decisions/0012-reveal-per-pair.md). The group latch
    // could not tell a re-draw from a moved date, so it carries over only to conversations
    // that existed when it was set and are still open (their pair existed then and exists now),
    // or that were still open at that instant. Every other pair starts hidden: anonymity first.
    version: 2,
    sql: `
      ALTER TABLE conversations ADD COLUMN revealed_at INTEGER;
      ALTER TABLE assignments ADD COLUMN revealed_at INTEGER;
      ALTER TABLE groups ADD COLUMN reveal_set_at INTEGER NOT NULL DEFAULT 0;
      UPDATE groups SET reveal_set_at = updated_at;
      UPDATE conversations SET revealed_at = (
        SELECT g.revealed_at FROM groups g
        WHERE g.id = conversations.group_id AND g.revealed_at IS NOT NULL
          AND conversations.created_at <= g.revealed_at
          AND (conversations.closed_at IS NULL OR conversations.closed_at >= g.revealed_at));
      UPDATE assignments SET revealed_at = (
        SELECT c.revealed_at FROM conversations c
        WHERE c.group_id = assignments.group_id AND c.santa_id = assignments.santa_id
          AND c.giftee_id = assignments.giftee_id AND c.closed_at IS NULL);
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
    // Webhooks and reports (docs/decisions/0017-webhook-queue.md). A notice row is armed by the
    // append's own batch transaction and turned into an event by the sweeper; events are the
    // durable queue, leased by the relay that sends them.
    version: 4,
    sql: `
      CREATE TABLE unread_notices (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        sent_at INTEGER,
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
        last_attempt_at INTEGER,
        next_attempt_at INTEGER NOT NULL,
        first_failed_at INTEGER,
        delivered_at INTEGER,
        lease_until INTEGER NOT NULL DEFAULT 0,
        claim_token TEXT,
        created_at INTEGER NOT NULL
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
        created_at INTEGER NOT NULL,
        UNIQUE (message_id, reporter_id)
      );
      CREATE INDEX reports_group ON reports (group_id, created_at);
    `,
  },
  {
    // Cheaper appends (docs/decisions/0018-sqlite-append-path.md): the random `id` was the
    // table's primary key, an index no query reads (a message is found by conversation and seq,
    // by sender and clientId, or by id within its conversation). Now the rows are keyed by an
    // integer rowid, appended at the table's end; `id` stays a plain column. Three B-trees per
    // append instead of four. The rows are copied in (conversation, seq) order, so the history
    // that exists at the upgrade is stored clustered by conversation.
    version: 5,
    sql: `
      CREATE TABLE messages_v5 (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        id TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        content TEXT NOT NULL,
        client_id TEXT,
        created_at INTEGER NOT NULL,
        UNIQUE (conversation_id, seq)
      );
      INSERT INTO messages_v5 (conversation_id, seq, id, sender_id, content, client_id, created_at)
        SELECT conversation_id, seq, id, sender_id, content, client_id, created_at FROM messages
        ORDER BY conversation_id, seq;
      DROP TABLE messages;
      ALTER TABLE messages_v5 RENAME TO messages;
      -- Dedupe is per sender, not per conversation: a retry is the same send wherever it lands.
      -- Unbounded on purpose: docs/protocol.md promises a clientId never stores a second message.
      CREATE UNIQUE INDEX messages_sender_client
        ON messages (sender_id, client_id) WHERE client_id IS NOT NULL;
    `,
  },
  {
    // An append writes two randomly placed pages instead of four
    // (docs/decisions/0022-appends-touch-two-pages.md). `last_seq` and `last_activity_at` are
    // read from the newest message instead of kept in `conversations`, so an append no longer
    // rewrites its conversation's row. The dedupe index leads with the clientId, which the
    // widget makes time-ordered (a UUIDv7), so new entries land together at the index's end
    // instead of one per sender's leaf. Same uniqueness: a sender's clientId, once.
    version: 6,
    sql: `
      ALTER TABLE conversations DROP COLUMN last_seq;
      ALTER TABLE conversations DROP COLUMN last_activity_at;
      DROP INDEX messages_sender_client;
      CREATE UNIQUE INDEX messages_client_sender
        ON messages (client_id, sender_id) WHERE client_id IS NOT NULL;
    `,
  },
];
