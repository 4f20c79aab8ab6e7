import { closeSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { ContextCache } from '../context-cache.js';
import { planGroupWrite, type ExistingGroup } from '../group-plan.js';
import { newConversationId, newSantaAlias } from '../ids.js';
import { connectSqlite, readConnectionSettings, type SqliteConnectionSettings } from './connection.js';
import { SqliteInThreadWriter } from './in-thread-writer.js';
import { applySqliteMigrations } from './migrate.js';
import { sqliteMigrations } from './migrations.js';
import {
  toConversationContext,
  toConversationOverview,
  toGroupMeta,
  toMemberGroupRecord,
  toMessageRecord,
  toPairState,
  type GroupRow,
} from '../rows.js';
import { prepareSqliteStatements, type SqliteStatements } from './statements.js';
import { SqliteWriterThread } from './writer-thread.js';
import { insertWebhookEvent, prepareSqliteWebhookStatements, type SqliteWebhookStatements } from './webhook-statements.js';
import { toReportRecord, toWebhookEventRecord } from '../webhook-rows.js';
import { completionPromise, type BatchedWriter } from './writes.js';
import type {
  AppendCompletion,
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

/**
 * Opens (creating when missing) the database file at `path`, or `:memory:`, and migrates it.
 * A file's appends and read cursors commit in a writer thread; `:memory:` is this
 * connection's alone, so there they commit in this thread.
 */
export function openSqliteStore(path: string): SqliteStore {
  const database = connectSqlite(path);
  try {
    applySqliteMigrations(database, sqliteMigrations, Date.now());
    const statements = prepareSqliteStatements(database);
    const inMemory = path === ':memory:' || path === '';
    if (inMemory) return new SqliteStore(database, statements, new SqliteInThreadWriter(database, statements));
    // The checkpointer syncs the file through a descriptor of its own (`checkpointer.ts`). It
    // closes after the file's last connection here: closing a descriptor drops every lock this
    // process holds on the file, SQLite's included.
    const syncFd = openSync(path, 'r+');
    try {
      return new SqliteStore(database, statements, new SqliteWriterThread(path, { syncFd }), () => closeSync(syncFd));
    } catch (error) {
      closeSync(syncFd);
      throw error;
    }
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * This process is the file's only writer. Appends and read cursors, one per frame, go through
 * group commit (`sqlite-writes.ts`): queued in the same turn of the event loop, committed
 * together in the writer thread, each promise settled after the COMMIT. The rare writes
 * (groups, opening a conversation) run on this thread's connection between two batches
 * (`exclusive`), each in one transaction that nothing interleaves with, since better-sqlite3
 * is synchronous. They still take an IMMEDIATE transaction so that a second process on the
 * same file waits (busy_timeout) instead of failing halfway through an upgrade from reader to
 * writer.
 */
export class SqliteStore implements Store {
  readonly #database: Database.Database;
  readonly #statements: SqliteStatements;
  /** Messages and read cursors, the writes of every frame, commit in batches (one fsync each). */
  readonly #writer: BatchedWriter;
  readonly #contexts = new ContextCache();
  readonly #webhooks: SqliteWebhookStatements;
  /** Closes what else this store holds open on its file, after its last connection. */
  readonly #closeFile: () => void;
  #closing: Promise<void> | null = null;

  constructor(database: Database.Database, statements: SqliteStatements, writer: BatchedWriter, closeFile: () => void = () => {}) {
    this.#database = database;
    this.#statements = statements;
    this.#writer = writer;
    this.#closeFile = closeFile;
    this.#webhooks = prepareSqliteWebhookStatements(database);
  }

  putGroup(groupId: string, write: GroupWrite, now: number, revealEvent?: RevealEventWrite): Promise<PutGroupResult> {
    return this.#writeGroup(groupId, () => {
      const statements = this.#statements;
      const plan = planGroupWrite(groupId, this.#existingGroup(groupId), write, now);
      const { record } = plan;
      statements.upsertGroup.run({
        id: groupId,
        name: record.name,
        revealAt: record.revealAt,
        revealSetAt: record.revealSetAt,
        createdAt: record.createdAt,
        now,
      });
      statements.deleteMembers.run(groupId);
      record.members.forEach((member, position) => {
        statements.insertMember.run(groupId, member.id, member.name, position);
      });
      statements.deleteAssignments.run(groupId);
      plan.pairs.forEach((pair, position) => {
        statements.insertAssignment.run(groupId, pair.santa, pair.giftee, pair.revealedAt, position);
      });
      for (const latch of plan.latches) statements.latchConversation.run(latch.revealedAt, latch.conversationId);
      for (const { conversation } of plan.closed) {
        statements.closeConversation.run(now, conversation.revealedAt, conversation.id);
      }
      if (revealEvent !== undefined) {
        this.#webhooks.dropUnattemptedReveals.run(groupId, revealEvent.dedupeKey);
        this.#insertEvent(revealEvent.event, revealEvent.dedupeKey);
      }
      return { created: plan.created, group: record, closed: plan.closed, revealed: plan.revealed, memberIds: plan.memberIds };
    });
  }

  async getGroup(groupId: string): Promise<GroupRecord | null> {
    return this.#read(() => {
      const row = this.#statements.selectGroup.get(groupId);
      return row === undefined ? null : this.#groupRecord(row);
    });
  }

  async deleteGroup(groupId: string): Promise<DeleteGroupResult> {
    const result = await this.#writeGroup(groupId, (): DeleteGroupResult => {
      if (this.#statements.selectGroup.get(groupId) === undefined) return { deleted: false, closed: [], memberIds: [] };
      const closed = this.#statements.selectOpenContextsOfGroup.all(groupId).map(toConversationContext);
      const memberIds = this.#statements.selectMembers.all(groupId).map((member) => member.user_id);
      this.#statements.deleteGroup.run(groupId);
      this.#webhooks.deleteEventsOfGroup.run(groupId);
      return { deleted: true, closed, memberIds };
    });
    // secure_delete zeroes the rows in the pages, but the WAL still holds the frames that wrote
    // them; copying the WAL back and truncating it removes those too. Between two batches the
    // writer thread holds neither the lock nor a snapshot, so it cannot stop the truncation.
    // The checkpointer thread may hold the checkpoint lock for its pass: then this one is busy
    // at once (it does not wait), and tries again after a pause.
    if (result.deleted) {
      for (let attempt = 0; ; attempt += 1) {
        const outcome = await this.#writer.exclusive(() => this.#statements.walCheckpointTruncate.get());
        if (outcome?.busy === 0) break;
        if (attempt >= 1000) throw new Error('the WAL could not be truncated after erasing the group: the checkpoint stayed busy');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    return result;
  }

  async nextRevealAfter(instant: number): Promise<number | null> {
    return this.#statements.selectNextRevealAfter.get(instant) ?? null;
  }

  async listRevealsDue(after: number, upTo: number): Promise<ConversationContext[]> {
    return this.#statements.selectRevealsDue.all({ after, upTo }).map(toConversationContext);
  }

  openConversation(
    groupId: string,
    santaId: string,
    gifteeId: string,
    now: number,
  ): Promise<{ context: ConversationContext; created: boolean } | null> {
    return this.#writeBetweenBatches(() => {
      const statements = this.#statements;
      const pair = statements.selectAssignment.get(groupId, santaId, gifteeId);
      if (pair === undefined) return null;
      const openId = statements.selectOpenConversationIdOfPair.get(groupId, santaId, gifteeId);
      if (openId !== undefined) return { context: this.#requireContext(openId), created: false };
      const id = newConversationId(now);
      const alias = newSantaAlias();
      statements.insertConversation.run({ id, groupId, santaId, gifteeId, alias, revealedAt: pair.revealed_at, now });
      return { context: this.#requireContext(id), created: true };
    });
  }

  async getConversation(conversationId: string): Promise<ConversationContext | null> {
    const cached = this.#contexts.get(conversationId);
    if (cached !== undefined) return cached;
    const row = this.#statements.selectContext.get(conversationId);
    if (row === undefined) return null;
    const context = toConversationContext(row);
    this.#contexts.remember(context);
    return context;
  }

  async listGroupConversations(groupId: string): Promise<ConversationContext[]> {
    return this.#statements.selectOpenContextsOfGroup.all(groupId).map(toConversationContext);
  }

  async listConversations(userId: string): Promise<ConversationOverview[]> {
    return this.#statements.selectOverviewsOfUser.all({ viewerId: userId }).map(toConversationOverview);
  }

  async listMemberGroups(userId: string): Promise<MemberGroupRecord[]> {
    return this.#statements.selectMemberGroups.all(userId).map(toMemberGroupRecord);
  }

  async getConversationOverview(conversationId: string, viewerId: string): Promise<ConversationOverview | null> {
    const row = this.#statements.selectOverview.get({ conversationId, viewerId });
    return row === undefined ? null : toConversationOverview(row);
  }

  peekConversation(conversationId: string): ConversationContext | undefined {
    return this.#contexts.get(conversationId);
  }

  appendMessage(input: AppendMessageInput): Promise<AppendMessageResult> {
    return completionPromise((done) => this.appendMessageNow(input, done));
  }

  appendMessageNow(input: AppendMessageInput, done: AppendCompletion): void {
    this.#writer.enqueueWith({ kind: 'append', input }, this.#contexts.advancing(done));
  }

  async findMessageByClientId(senderId: string, clientId: string): Promise<MessageRecord | null> {
    const row = this.#statements.selectMessageByClientId.get(clientId, senderId);
    return row === undefined ? null : toMessageRecord(row);
  }

  async listMessages(conversationId: string, query: HistoryPageQuery): Promise<HistoryPage> {
    const limit = Math.max(0, query.limit);
    // One row past the limit: its presence is `hasMore`, without a COUNT.
    const probe = { conversationId, limit: limit + 1 };
    if (query.after !== undefined) {
      const rows = this.#statements.selectMessagesAfter.all({ ...probe, seq: query.after });
      return { messages: rows.slice(0, limit).map(toMessageRecord), hasMore: rows.length > limit };
    }
    const newestFirst =
      query.before !== undefined
        ? this.#statements.selectMessagesBefore.all({ ...probe, seq: query.before })
        : this.#statements.selectNewestMessages.all(probe);
    return {
      messages: newestFirst.slice(0, limit).reverse().map(toMessageRecord),
      hasMore: newestFirst.length > limit,
    };
  }

  markRead(conversationId: string, userId: string, upTo: number): Promise<{ upTo: number; moved: boolean }> {
    return this.#writer.enqueue({ kind: 'markRead', conversationId, userId, upTo });
  }

  async getMessage(conversationId: string, messageId: string): Promise<MessageRecord | null> {
    const row = this.#webhooks.selectMessage.get(conversationId, messageId);
    return row === undefined ? null : toMessageRecord(row);
  }

  reportMessage(report: ReportWrite, event: WebhookEventWrite | null): Promise<{ report: ReportRecord; created: boolean }> {
    return this.#writeBetweenBatches(() => {
      const created =
        this.#webhooks.insertReport.run({
          id: report.id,
          group_id: report.groupId,
          conversation_id: report.conversationId,
          message_id: report.messageId,
          reporter_id: report.reporterId,
          sender_id: report.senderId,
          content: report.content,
          reason: report.reason,
          created_at: report.createdAt,
        }).changes === 1;
      if (created && event !== null) this.#insertEvent(event, null);
      const stored = this.#webhooks.selectReport.get(report.messageId, report.reporterId);
      if (stored === undefined) throw new Error(`report of ${report.messageId} vanished inside its transaction`);
      return { report: toReportRecord(stored), created };
    });
  }

  async listReports(groupId: string): Promise<ReportRecord[]> {
    return this.#webhooks.selectReportsOfGroup.all(groupId).map(toReportRecord);
  }

  async listUnreadNoticesDue(now: number, limit: number): Promise<UnreadNoticeDue[]> {
    return this.#read(() =>
      this.#webhooks.selectNoticesDue.all(now, limit).map((row) => {
        const summary = this.#webhooks.selectUnreadSummary.get(row.id, row.reader_id, row.reader_id);
        const latest = summary?.last_seq == null ? undefined : this.#webhooks.selectMessageAtSeq.get(row.id, summary.last_seq);
        return {
          context: toConversationContext(row),
          readerId: row.reader_id,
          dueAt: row.due_at,
          unread: summary?.unread ?? 0,
          firstUnreadAt: summary?.first_at ?? null,
          latest: latest === undefined ? null : toMessageRecord(latest),
        };
      }),
    );
  }

  settleUnreadNotices(settlements: readonly UnreadNoticeSettlement[], now: number): Promise<boolean[]> {
    if (settlements.length === 0) return Promise.resolve([]);
    return this.#writer.enqueue({ kind: 'settleNotices', settlements: [...settlements], now });
  }

  claimWebhookEvents(now: number, leaseMs: number, limit: number, claimToken: string): Promise<WebhookEventRecord[]> {
    // A read on this connection first: an idle queue adds no write to the batches.
    if (this.#webhooks.anyClaimable.get(now, now) === undefined) return Promise.resolve([]);
    return this.#writer.enqueue({ kind: 'claimEvents', now, leaseUntil: now + leaseMs, limit, token: claimToken });
  }

  async recordWebhookAttempt(id: string, claimToken: string, outcome: WebhookAttemptOutcome): Promise<void> {
    await this.#writer.enqueue({ kind: 'recordAttempt', id, token: claimToken, outcome });
  }

  async listWebhookEvents(status: WebhookDeliveryStatus, limit: number): Promise<WebhookEventRecord[]> {
    return this.#webhooks.selectEventsByStatus.all(status, limit).map(toWebhookEventRecord);
  }

  async countPendingWebhookEvents(): Promise<number> {
    return this.#webhooks.countPending.get() ?? 0;
  }

  #insertEvent(event: WebhookEventWrite, dedupeKey: string | null): void {
    insertWebhookEvent(this.#webhooks, event, dedupeKey);
  }

  async ping(): Promise<void> {
    this.#statements.ping.get();
  }

  close(): Promise<void> {
    this.#closing ??= this.#writer.close().finally(() => {
      try {
        this.#database.close();
      } finally {
        this.#closeFile();
      }
    });
    return this.#closing;
  }

  connectionSettings(): SqliteConnectionSettings {
    return readConnectionSettings(this.#database);
  }

  /**
   * A write that may change the group's contexts (names, the reveal date, which conversations
   * are open), in one transaction between two batches. The cache forgets the group right after
   * the COMMIT, in the same turn: a context read while the write waited for its turn is not kept.
   */
  #writeGroup<T>(groupId: string, work: () => T): Promise<T> {
    return this.#writer.exclusive(() => {
      const result = this.#write(work);
      this.#contexts.forgetGroup(groupId);
      return result;
    });
  }

  #writeBetweenBatches<T>(work: () => T): Promise<T> {
    return this.#writer.exclusive(() => this.#write(work));
  }

  #write<T>(work: () => T): T {
    return this.#database.transaction(work).immediate();
  }

  #read<T>(work: () => T): T {
    return this.#database.transaction(work).deferred();
  }

  /** The group as it is, for `planGroupWrite`; inside the write's transaction. */
  #existingGroup(groupId: string): ExistingGroup | null {
    const row = this.#statements.selectGroup.get(groupId);
    if (row === undefined) return null;
    return {
      record: this.#groupRecord(row),
      pairs: this.#statements.selectAssignments.all(groupId).map(toPairState),
      open: this.#statements.selectOpenContextsOfGroup.all(groupId).map(toConversationContext),
    };
  }

  #groupRecord(row: GroupRow): GroupRecord {
    return {
      ...toGroupMeta(row),
      revealSetAt: row.reveal_set_at,
      members: this.#statements.selectMembers.all(row.id).map((member) => ({ id: member.user_id, name: member.name })),
      assignments: this.#statements.selectAssignments
        .all(row.id)
        .map((pair) => ({ santa: pair.santa_id, giftee: pair.giftee_id })),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  #requireContext(conversationId: string): ConversationContext {
    const row = this.#statements.selectContext.get(conversationId);
    if (row === undefined) throw new Error(`conversation ${conversationId} vanished inside its transaction`);
    return toConversationContext(row);
  }
}
