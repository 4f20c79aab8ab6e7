import { newMessageId } from '../ids.js';
import { toMessageRecord } from '../rows.js';
import type { SqliteStatements } from './statements.js';
import {
  claimWebhookEvents,
  recordWebhookAttempt,
  settleUnreadNotices,
  type SqliteWebhookStatements,
} from './webhook-statements.js';
import type {
  AppendMessageInput,
  AppendMessageResult,
  Completion,
  MessageRecord,
  UnreadNoticeSettlement,
  WebhookAttemptOutcome,
  WebhookEventRecord,
} from '../store.js';

/**
 * The writes of every frame, appends and read cursors, as plain data: they commit in batches,
 * in this thread or in the writer thread, and only data crosses to a thread.
 */
export type BatchedWrite =
  | { kind: 'append'; input: AppendMessageInput }
  | { kind: 'markRead'; conversationId: string; userId: string; upTo: number }
  // The webhook loop's writes (docs/decisions/0017-webhook-queue.md): in the batches, not beside them.
  | { kind: 'settleNotices'; settlements: UnreadNoticeSettlement[]; now: number }
  | { kind: 'claimEvents'; now: number; leaseUntil: number; limit: number; token: string }
  | { kind: 'recordAttempt'; id: string; token: string; outcome: WebhookAttemptOutcome };

export interface BatchedWriteResults {
  append: AppendMessageResult;
  markRead: { upTo: number; moved: boolean };
  settleNotices: boolean[];
  claimEvents: WebhookEventRecord[];
  recordAttempt: null;
}

/** Where the store's batched writes commit, and how its other writes wait their turn. */
export interface BatchedWriter {
  /** Tells `done` the write's result once its batch has committed (durably); in queue order. */
  enqueueWith<W extends BatchedWrite>(write: W, done: Completion<BatchedWriteResults[W['kind']]>): void;
  /** `enqueueWith`, as a promise. */
  enqueue<W extends BatchedWrite>(write: W): Promise<BatchedWriteResults[W['kind']]>;
  /**
   * Runs `work` (a write on the store's own connection) when no batch is committing: at once
   * when none is, else right after the one that is, before the next one starts.
   */
  exclusive<T>(work: () => T): Promise<T>;
  /** Commits what is queued, then lets go of whatever the writer holds. */
  close(): Promise<void>;
}

/** A write's end as a promise: `start` queues the write with the completion it is given. */
export function completionPromise<T>(start: (done: Completion<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start({ written: resolve, failed: reject }));
}

/** Runs `work` now, its result or its error as a promise. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Runs one batched write inside its batch's transaction (`sqlite-batch.ts`). */
export function runBatchedWrite(statements: SqliteStatements, webhooks: SqliteWebhookStatements, write: BatchedWrite): unknown {
  switch (write.kind) {
    case 'append':
      return appendMessage(statements, write.input);
    case 'markRead':
      return markRead(statements, write.conversationId, write.userId, write.upTo);
    case 'settleNotices':
      return settleUnreadNotices(webhooks, write.settlements, write.now);
    case 'claimEvents':
      return claimWebhookEvents(webhooks, write);
    case 'recordAttempt':
      return recordWebhookAttempt(webhooks, write.id, write.token, write.outcome);
  }
}

/**
 * Two statements on the common path, neither of which can fail: the next seq (a read that also
 * finds the conversation open: the greatest seq of its messages, plus one) and the insert,
 * which stores nothing when the sender already stored this clientId (`ON CONFLICT … DO
 * NOTHING` on the `(client_id, sender_id)` index, which it descends anyway). Only then, or when
 * the conversation is closed, is the original looked up: a retry gets its original, even when
 * the original closed the door behind it. The batch is the file's only writer, so nothing can
 * take the seq between the read and the insert; a taken seq would fail the insert (`UNIQUE
 * (conversation_id, seq)`), so seq stays gapless.
 */
function appendMessage(statements: SqliteStatements, input: AppendMessageInput): AppendMessageResult {
  const seq = statements.selectNextSeq.get(input.conversationId);
  if (seq === undefined) return originalOf(statements, input) ?? { kind: 'closed' };
  const message: MessageRecord = {
    id: newMessageId(),
    conversationId: input.conversationId,
    seq,
    senderId: input.senderId,
    content: input.content,
    clientId: input.clientId,
    createdAt: input.now,
  };
  if (statements.insertMessage.run(message.id, message.conversationId, seq, message.senderId, message.content, message.clientId, input.now).changes === 0) {
    // Nothing was written: the clientId is the sender's already.
    return originalOf(statements, input)!;
  }
  if (input.noticeDueAt !== undefined) {
    statements.armUnreadNotice.run({ conversationId: input.conversationId, senderId: input.senderId, dueAt: input.noticeDueAt });
  }
  return { kind: 'stored', message };
}

/** The message the sender already stored with this clientId, as a duplicate's result. */
function originalOf(statements: SqliteStatements, input: AppendMessageInput): AppendMessageResult | undefined {
  if (input.clientId === null) return undefined;
  const original = statements.selectMessageByClientId.get(input.clientId, input.senderId);
  return original === undefined ? undefined : { kind: 'duplicate', message: toMessageRecord(original) };
}

function markRead(
  statements: SqliteStatements,
  conversationId: string,
  userId: string,
  upTo: number,
): BatchedWriteResults['markRead'] {
  const conversation = statements.selectConversation.get(conversationId);
  if (conversation === undefined) return { upTo: 0, moved: false };
  const current = statements.selectReadCursor.get(conversationId, userId) ?? 0;
  const target = Math.min(Math.max(upTo, 0), conversation.last_seq);
  if (target <= current) return { upTo: current, moved: false };
  statements.upsertReadCursor.run(conversationId, userId, target);
  // A PK lookup that finds nothing unless a notice is armed (webhooks on).
  statements.rearmUnreadNotice.run({ conversationId, userId, upTo: target });
  return { upTo: target, moved: true };
}
