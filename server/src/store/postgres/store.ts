import pg from 'pg';
import { newConversationId, newMessageId, newSantaAlias } from '../ids.js';
import { sql } from './statements.js';
import { webhookSql } from './webhook-statements.js';
import { toReportRecord, toWebhookEventRecord, type ReportRow, type WebhookEventRow } from '../webhook-rows.js';
import {
  toConversationContext,
  toConversationOverview,
  toMemberGroupRecord,
  toMessageRecord,
  type ContextRow,
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
import { inTransaction, openMigratedPool, type PostgresConnectionSettings, type PostgresStoreOptions } from './connection.js';
import { insertEvent, requireContext, toGroupRecord, writeGroup, type GroupRecordRow } from './writes.js';

export type { PostgresConnectionSettings, PostgresStoreOptions } from './connection.js';

/**
 * Opens a pool on `url` (`postgres://…`) and migrates the schema before returning, so a relay
 * never serves from a half-made schema. Several processes may open the same database at once.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const { pool, settings } = await openMigratedPool(url, options);
  return new PostgresStore(pool, settings);
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
    return this.#transaction((client) => writeGroup(client, groupId, write, now, revealEvent));
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
      if (existing === undefined) return { deleted: false, closed: [], memberIds: [] };
      const closed = (await client.query<ContextRow>(sql.selectOpenContextsOfGroup, [groupId])).rows.map(
        toConversationContext,
      );
      const members = (await client.query<GroupRecordRow>(sql.selectGroupRecord, [groupId])).rows[0]?.members ?? [];
      await client.query(sql.deleteGroup, [groupId]);
      await client.query(webhookSql.deleteEventsOfGroup, [groupId]);
      return { deleted: true, closed, memberIds: members.map((member) => member.id) };
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
      const id = newConversationId(now);
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

  #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, work);
  }

}
