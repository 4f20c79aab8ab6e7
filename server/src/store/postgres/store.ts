import pg from 'pg';
import { planGroupWrite, type ExistingGroup, type PairState } from '../group-plan.js';
import { newConversationId, newMessageId, newSantaAlias } from '../ids.js';
import { applyPostgresMigrations, postgresMigrations } from './migrations.js';
import { sql } from './statements.js';
import { webhookSql } from './webhook-statements.js';
import { toReportRecord, toWebhookEventRecord, type ReportRow, type WebhookEventRow } from '../webhook-rows.js';
import {
  toConversationContext,
  toConversationOverview,
  toMemberGroupRecord,
  toMessageRecord,
  type ContextRow,
  type GroupRow,
  type MemberGroupRow,
  type MessageRow,
  type OverviewRow,
} from '../rows.js';
import type {
  AppendMessageInput,
  AppendMessageResult,
  ConversationContext,
  ConversationOverview,
  DeleteGroupResult,
  GroupRecord,
  GroupWrite,
  HistoryPage,
  HistoryPageQuery,
  MemberGroupRecord,
  MemberRecord,
  MessageRecord,
  PutGroupResult,
  ReportRecord,
  ReportWrite,
  RevealEventWrite,
  Store,
  UnreadNoticeDue,
  UnreadNoticeSettlement,
  WebhookAttemptOutcome,
  WebhookDeliveryStatus,
  WebhookEventRecord,
  WebhookEventWrite,
} from '../store.js';

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

/**
 * Opens a pool on `url` (`postgres://…`) and migrates the schema before returning, so a relay
 * never serves from a half-made schema. Several processes may open the same database at once.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
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
  return new PostgresStore(pool, { schema, poolSize });
}

interface GroupRecordRow extends GroupRow {
  members: MemberRecord[];
  assignments: PairState[];
}

interface AppendRow {
  bumped_seq: number | null;
  stored_seq: number | null;
}

/** Thrown inside a transaction to roll it back on purpose; never escapes the store. */
class DuplicateClientId extends Error {}

/**
 * Transactions run at READ COMMITTED: each statement sees what others committed before it began,
 * and row locks serialize the writers that must take turns (the conversation row for a seq, the
 * group row for a re-draw against a conversation being opened). Unique constraints settle the
 * races that locks do not cover (the open conversation of a pair, a sender's clientId).
 */
export class PostgresStore implements Store {
  readonly #pool: pg.Pool;
  readonly #settings: PostgresConnectionSettings;
  #closing: Promise<void> | null = null;

  constructor(pool: pg.Pool, settings: PostgresConnectionSettings) {
    this.#pool = pool;
    this.#settings = settings;
  }

  async putGroup(groupId: string, write: GroupWrite, now: number, revealEvent?: RevealEventWrite): Promise<PutGroupResult> {
    return this.#transaction(async (client) => {
      let existing = await readExistingGroup(client, groupId);
      let plan = planGroupWrite(groupId, existing, write, now);
      if (existing === null) {
        const { record } = plan;
        const inserted = await client.query(sql.insertGroup, [
          groupId, record.name, record.revealAt, record.revealSetAt, record.createdAt, now,
        ]);
        if (inserted.rowCount === 0) {
          // Another writer created it since our read and has committed: replace theirs.
          existing = await readExistingGroup(client, groupId);
          plan = planGroupWrite(groupId, existing, write, now);
        }
      }
      const { record } = plan;
      if (existing !== null) {
        await client.query(sql.updateGroup, [groupId, record.name, record.revealAt, record.revealSetAt, now]);
      }
      await client.query(sql.deleteMembers, [groupId]);
      if (record.members.length > 0) {
        await client.query(sql.insertMembers, [
          groupId,
          record.members.map((member) => member.id),
          record.members.map((member) => member.name),
        ]);
      }
      await client.query(sql.deleteAssignments, [groupId]);
      if (plan.pairs.length > 0) {
        await client.query(sql.insertAssignments, [
          groupId,
          plan.pairs.map((pair) => pair.santa),
          plan.pairs.map((pair) => pair.giftee),
          plan.pairs.map((pair) => pair.revealedAt),
        ]);
      }
      if (plan.latches.length > 0) {
        await client.query(sql.latchConversations, [
          plan.latches.map((latch) => latch.conversationId),
          plan.latches.map((latch) => latch.revealedAt),
        ]);
      }
      const closed: ConversationContext[] = [];
      if (plan.closed.length > 0) {
        // RETURNING gives last_seq as closed: an append that held the row lock has committed by now.
        const closedRows = await client.query<{ id: string; last_seq: number }>(sql.closeConversations, [
          plan.closed.map((context) => context.conversation.id),
          now,
          plan.closed.map((context) => context.conversation.revealedAt),
        ]);
        const lastSeqs = new Map(closedRows.rows.map((row) => [row.id, row.last_seq]));
        for (const context of plan.closed) {
          const lastSeq = lastSeqs.get(context.conversation.id);
          if (lastSeq !== undefined) closed.push({ ...context, conversation: { ...context.conversation, lastSeq } });
        }
      }
      if (revealEvent !== undefined) {
        await client.query(webhookSql.dropUnattemptedReveals, [groupId, revealEvent.dedupeKey]);
        await insertEvent(client, revealEvent.event, revealEvent.dedupeKey);
      }
      return { created: existing === null, group: record, closed, revealed: plan.revealed };
    });
  }

  async getGroup(groupId: string): Promise<GroupRecord | null> {
    const row = (await this.#pool.query<GroupRecordRow>(sql.selectGroupRecord, [groupId])).rows[0];
    return row === undefined ? null : toGroupRecord(row);
  }

  /**
   * Erases the group; ON DELETE CASCADE takes its members, assignments, conversations, messages
   * and cursors in the same statement. PostgreSQL keeps dead row versions in the table files
   * until VACUUM reclaims them (and in the WAL until it is recycled): erasure from the files is
   * the database's maintenance, not this call's.
   */
  async deleteGroup(groupId: string): Promise<DeleteGroupResult> {
    return this.#transaction(async (client): Promise<DeleteGroupResult> => {
      const existing = (await client.query(sql.selectGroupForUpdate, [groupId])).rows[0];
      if (existing === undefined) return { deleted: false, closed: [] };
      const closed = (await client.query<ContextRow>(sql.selectOpenContextsOfGroup, [groupId])).rows.map(
        toConversationContext,
      );
      await client.query(sql.deleteGroup, [groupId]);
      await client.query(webhookSql.deleteEventsOfGroup, [groupId]);
      return { deleted: true, closed };
    });
  }

  async nextRevealAfter(instant: number): Promise<number | null> {
    const row = (await this.#pool.query<{ reveal_at: number | null }>(sql.selectNextRevealAfter, [instant])).rows[0];
    return row?.reveal_at ?? null;
  }

  async listRevealsDue(after: number, upTo: number): Promise<ConversationContext[]> {
    return (await this.#pool.query<ContextRow>(sql.selectRevealsDue, [after, upTo])).rows.map(toConversationContext);
  }

  async openConversation(
    groupId: string,
    santaId: string,
    gifteeId: string,
    now: number,
  ): Promise<{ context: ConversationContext; created: boolean } | null> {
    return this.#transaction(async (client) => {
      // FOR SHARE: concurrent opens run side by side, a re-draw of the group waits for them (and
      // they for it), so no conversation is opened for a pair the re-draw is removing.
      if ((await client.query(sql.lockGroupShared, [groupId])).rowCount === 0) return null;
      const pair = (await client.query<{ revealed_at: number | null }>(sql.selectAssignmentLatch, [groupId, santaId, gifteeId]))
        .rows[0];
      if (pair === undefined) return null;
      const id = newConversationId();
      const inserted = await client.query(sql.insertConversation, [
        id, groupId, santaId, gifteeId, newSantaAlias(), now, pair.revealed_at,
      ]);
      if (inserted.rowCount === 1) return { context: await requireContext(client, id), created: true };
      // The pair already has an open conversation (perhaps committed by a concurrent call an
      // instant ago: the insert waited for it): this statement sees it.
      const openId = (await client.query<{ id: string }>(sql.selectOpenConversationIdOfPair, [groupId, santaId, gifteeId]))
        .rows[0]?.id;
      if (openId === undefined) throw new Error(`open conversation of ${groupId} ${santaId} -> ${gifteeId} vanished`);
      return { context: await requireContext(client, openId), created: false };
    });
  }

  async getConversation(conversationId: string): Promise<ConversationContext | null> {
    const row = (await this.#pool.query<ContextRow>(sql.selectContext, [conversationId])).rows[0];
    return row === undefined ? null : toConversationContext(row);
  }

  async listGroupConversations(groupId: string): Promise<ConversationContext[]> {
    return (await this.#pool.query<ContextRow>(sql.selectOpenContextsOfGroup, [groupId])).rows.map(toConversationContext);
  }

  async listConversations(userId: string): Promise<ConversationOverview[]> {
    return (await this.#pool.query<OverviewRow>(sql.selectOverviewsOfUser, [userId])).rows.map(toConversationOverview);
  }

  async listMemberGroups(userId: string): Promise<MemberGroupRecord[]> {
    return (await this.#pool.query<MemberGroupRow>(sql.selectMemberGroups, [userId])).rows.map(toMemberGroupRecord);
  }

  async getConversationOverview(conversationId: string, viewerId: string): Promise<ConversationOverview | null> {
    const row = (await this.#pool.query<OverviewRow>(sql.selectOverview, [viewerId, conversationId])).rows[0];
    return row === undefined ? null : toConversationOverview(row);
  }

  async appendMessage(input: AppendMessageInput): Promise<AppendMessageResult> {
    // A few rounds at most: a clientId conflict whose original is erased (deleteGroup) between
    // our rollback and our read frees the clientId, and the send is tried again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      // The cheap path: a retry of something stored long ago needs no transaction.
      if (input.clientId !== null) {
        const original = await this.findMessageByClientId(input.senderId, input.clientId);
        if (original !== null) return { kind: 'duplicate', message: original };
      }
      const message: MessageRecord = {
        id: newMessageId(),
        conversationId: input.conversationId,
        seq: 0,
        senderId: input.senderId,
        content: input.content,
        clientId: input.clientId,
        createdAt: input.now,
      };
      let outcome: 'stored' | 'closed' | 'duplicate';
      try {
        outcome = await this.#transaction(async (client) => {
          const row = (
            await client.query<AppendRow>(sql.appendMessage, [
              message.conversationId,
              message.id,
              message.senderId,
              message.content,
              message.clientId,
              message.createdAt,
            ])
          ).rows[0];
          if (row === undefined || row.bumped_seq === null) return 'closed';
          // The same (sender, clientId) was committed by a concurrent send, perhaps on another
          // process: undo the counter bump, so seq stays gapless.
          if (row.stored_seq === null) throw new DuplicateClientId();
          message.seq = row.stored_seq;
          if (input.noticeDueAt !== undefined) {
            await client.query(webhookSql.armUnreadNotice, [message.conversationId, message.senderId, input.noticeDueAt]);
          }
          return 'stored';
        });
      } catch (error) {
        if (!(error instanceof DuplicateClientId)) throw error;
        outcome = 'duplicate';
      }
      if (outcome === 'stored') return { kind: 'stored', message };
      if (outcome === 'closed') {
        // A retry still gets its original, even when the original closed the door behind it.
        if (input.clientId === null) return { kind: 'closed' };
        const original = await this.findMessageByClientId(input.senderId, input.clientId);
        return original === null ? { kind: 'closed' } : { kind: 'duplicate', message: original };
      }
    }
    throw new Error(`appendMessage: clientId ${input.clientId} kept conflicting without a stored original`);
  }

  async findMessageByClientId(senderId: string, clientId: string): Promise<MessageRecord | null> {
    const row = (await this.#pool.query<MessageRow>(sql.selectMessageByClientId, [senderId, clientId])).rows[0];
    return row === undefined ? null : toMessageRecord(row);
  }

  async listMessages(conversationId: string, query: HistoryPageQuery): Promise<HistoryPage> {
    const limit = Math.max(0, query.limit);
    // One row past the limit: its presence is `hasMore`, without a COUNT.
    const probe = limit + 1;
    if (query.after !== undefined) {
      const rows = (await this.#pool.query<MessageRow>(sql.selectMessagesAfter, [conversationId, query.after, probe])).rows;
      return { messages: rows.slice(0, limit).map(toMessageRecord), hasMore: rows.length > limit };
    }
    const newestFirst =
      query.before !== undefined
        ? (await this.#pool.query<MessageRow>(sql.selectMessagesBefore, [conversationId, query.before, probe])).rows
        : (await this.#pool.query<MessageRow>(sql.selectNewestMessages, [conversationId, probe])).rows;
    return {
      messages: newestFirst.slice(0, limit).reverse().map(toMessageRecord),
      hasMore: newestFirst.length > limit,
    };
  }

  async markRead(conversationId: string, userId: string, upTo: number): Promise<{ upTo: number; moved: boolean }> {
    // One statement moves the cursor only forward, so concurrent marks (two tabs, two
    // processes) cannot move it back; when it did not move, the cursor as it is now is the answer.
    // It also re-arms the reader's unread notice when they have read everything (webhooks).
    const advanced = (
      await this.#pool.query<{ up_to: number }>(webhookSql.advanceReadCursorAndRearm, [conversationId, userId, upTo])
    ).rows[0];
    if (advanced !== undefined) return { upTo: advanced.up_to, moved: true };
    const current = (await this.#pool.query<{ up_to: number }>(sql.selectReadCursor, [conversationId, userId])).rows[0];
    return { upTo: current?.up_to ?? 0, moved: false };
  }

  async getMessage(conversationId: string, messageId: string): Promise<MessageRecord | null> {
    const row = (await this.#pool.query<MessageRow>(webhookSql.selectMessage, [conversationId, messageId])).rows[0];
    return row === undefined ? null : toMessageRecord(row);
  }

  async reportMessage(report: ReportWrite, event: WebhookEventWrite | null): Promise<{ report: ReportRecord; created: boolean }> {
    return this.#transaction(async (client) => {
      const inserted = await client.query(webhookSql.insertReport, [
        report.id, report.groupId, report.conversationId, report.messageId, report.reporterId, report.senderId,
        report.content, report.reason, report.createdAt,
      ]);
      const created = inserted.rowCount === 1;
      if (created && event !== null) await insertEvent(client, event, null);
      const stored = (await client.query<ReportRow>(webhookSql.selectReport, [report.messageId, report.reporterId])).rows[0];
      if (stored === undefined) throw new Error(`report of ${report.messageId} vanished inside its transaction`);
      return { report: toReportRecord(stored), created };
    });
  }

  async listReports(groupId: string): Promise<ReportRecord[]> {
    return (await this.#pool.query<ReportRow>(webhookSql.selectReportsOfGroup, [groupId])).rows.map(toReportRecord);
  }

  async listUnreadNoticesDue(now: number, limit: number): Promise<UnreadNoticeDue[]> {
    const rows = (await this.#pool.query<ContextRow & { reader_id: string; due_at: number }>(webhookSql.selectNoticesDue, [now, limit]))
      .rows;
    const due: UnreadNoticeDue[] = [];
    for (const row of rows) {
      const summary = (
        await this.#pool.query<{ unread: number; first_at: number | null; last_seq: number | null }>(webhookSql.selectUnreadSummary, [
          row.id,
          row.reader_id,
        ])
      ).rows[0];
      const latest =
        summary?.last_seq == null
          ? undefined
          : (await this.#pool.query<MessageRow>(webhookSql.selectMessageAtSeq, [row.id, summary.last_seq])).rows[0];
      due.push({
        context: toConversationContext(row),
        readerId: row.reader_id,
        dueAt: row.due_at,
        unread: Number(summary?.unread ?? 0),
        firstUnreadAt: summary?.first_at ?? null,
        latest: latest === undefined ? null : toMessageRecord(latest),
      });
    }
    return due;
  }

  async settleUnreadNotices(settlements: readonly UnreadNoticeSettlement[], now: number): Promise<boolean[]> {
    if (settlements.length === 0) return [];
    return this.#transaction(async (client) => {
      const settled: boolean[] = [];
      for (const { conversationId, readerId, event } of settlements) {
        if (event === null) {
          settled.push((await client.query(webhookSql.dropNotice, [conversationId, readerId])).rowCount === 1);
          continue;
        }
        // The row lock this UPDATE takes makes a second relay's UPDATE wait, then find sent_at set.
        if ((await client.query(webhookSql.markNoticeSent, [now, conversationId, readerId])).rowCount === 0) {
          settled.push(false);
          continue;
        }
        await insertEvent(client, event, null);
        settled.push(true);
      }
      return settled;
    });
  }

  async claimWebhookEvents(now: number, leaseMs: number, limit: number, claimToken: string): Promise<WebhookEventRecord[]> {
    return (await this.#pool.query<WebhookEventRow>(webhookSql.claimEvents, [now, now + leaseMs, limit, claimToken])).rows.map(
      toWebhookEventRecord,
    );
  }

  async recordWebhookAttempt(id: string, claimToken: string, outcome: WebhookAttemptOutcome): Promise<void> {
    await this.#pool.query(webhookSql.recordAttempt, [
      id, claimToken, outcome.status, outcome.lastStatus, outcome.attemptedAt, outcome.nextAttemptAt, outcome.firstFailedAt,
    ]);
  }

  async listWebhookEvents(status: WebhookDeliveryStatus, limit: number): Promise<WebhookEventRecord[]> {
    return (await this.#pool.query<WebhookEventRow>(webhookSql.selectEventsByStatus, [status, limit])).rows.map(toWebhookEventRecord);
  }

  async countPendingWebhookEvents(): Promise<number> {
    return Number((await this.#pool.query<{ count: number }>(webhookSql.countPending)).rows[0]?.count ?? 0);
  }

  async ping(): Promise<void> {
    await this.#pool.query(sql.ping);
  }

  async close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    await this.#closing;
  }

  connectionSettings(): PostgresConnectionSettings {
    return { ...this.#settings };
  }

  /**
   * Runs `work` in a transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when
   * it throws. A connection whose ROLLBACK fails, or that broke meanwhile, is discarded rather
   * than returned to the pool.
   */
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
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
}

async function insertEvent(client: pg.PoolClient, event: WebhookEventWrite, dedupeKey: string | null): Promise<void> {
  await client.query(webhookSql.insertEvent, [
    event.id, event.type, event.groupId, event.payload, dedupeKey, event.dueAt, event.createdAt,
  ]);
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** The group as it is, locked for the rest of the transaction; for `planGroupWrite`. */
async function readExistingGroup(client: pg.PoolClient, groupId: string): Promise<ExistingGroup | null> {
  // Locks the row first: the record and the open conversations are then read under the lock.
  if ((await client.query(sql.selectGroupForUpdate, [groupId])).rowCount === 0) return null;
  const row = (await client.query<GroupRecordRow>(sql.selectGroupRecord, [groupId])).rows[0];
  if (row === undefined) return null;
  const open = (await client.query<ContextRow>(sql.selectOpenContextsOfGroup, [groupId])).rows.map(toConversationContext);
  return { record: toGroupRecord(row), pairs: row.assignments.map((pair) => ({ ...pair })), open };
}

function toGroupRecord(row: GroupRecordRow): GroupRecord {
  return {
    id: row.id,
    name: row.name,
    revealAt: row.reveal_at,
    revealSetAt: row.reveal_set_at,
    members: row.members.map((member) => ({ id: member.id, name: member.name })),
    assignments: row.assignments.map((pair) => ({ santa: pair.santa, giftee: pair.giftee })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function requireContext(client: pg.PoolClient, conversationId: string): Promise<ConversationContext> {
  const row = (await client.query<ContextRow>(sql.selectContext, [conversationId])).rows[0];
  if (row === undefined) throw new Error(`conversation ${conversationId} vanished inside its transaction`);
  return toConversationContext(row);
}
