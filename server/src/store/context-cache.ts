import type { AppendCompletion, AppendMessageResult, ConversationContext } from './store.js';

/**
 * The SQLite store's memory of conversation contexts, so a send does not read the four-table
 * join again for every message (profiling put that read at a sixth of the relay's busy time).
 * It is exact, not a time-based guess: SQLite has one writing process, this one, and every
 * write that changes a context (a group's name, reveal date, member names, or a conversation
 * closed by a re-draw or erased) goes through `putGroup` or `deleteGroup`, which forget the
 * whole group. Appends move `lastSeq` forward once committed. Bounded: past `capacity`, the
 * oldest entry goes.
 */
export class ContextCache {
  readonly #entries = new Map<string, ConversationContext>();
  readonly #capacity: number;

  constructor(capacity = 20_000) {
    this.#capacity = capacity;
  }

  /**
   * The cached context itself, not a copy (a send reads it once per message): callers only
   * read it, and make their own object to change anything. Its `lastSeq` moves forward in
   * place as appends commit.
   */
  get(conversationId: string): ConversationContext | undefined {
    return this.#entries.get(conversationId);
  }

  remember(context: ConversationContext): void {
    const id = context.conversation.id;
    this.#entries.delete(id);
    this.#entries.set(id, { ...context, conversation: { ...context.conversation } });
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  /** A message numbered `seq` was committed in the conversation. */
  advance(conversationId: string, seq: number): void {
    const cached = this.#entries.get(conversationId);
    if (cached !== undefined && cached.conversation.lastSeq < seq) cached.conversation.lastSeq = seq;
  }

  /** `done`, once the cache has moved to a stored message's seq: its continuation sees the context as it now is. */
  advancing(done: AppendCompletion): AppendCompletion {
    return new AdvanceContext(this, done);
  }

  forgetGroup(groupId: string): void {
    for (const [id, context] of this.#entries) if (context.group.id === groupId) this.#entries.delete(id);
  }
}

/**
 * Moves the cached context's `lastSeq` to a stored message's seq, then tells the caller: its
 * continuation (the fan-out) sees the context as it now is.
 */
class AdvanceContext implements AppendCompletion {
  readonly #contexts: ContextCache;
  readonly #done: AppendCompletion;

  constructor(contexts: ContextCache, done: AppendCompletion) {
    this.#contexts = contexts;
    this.#done = done;
  }

  written(result: AppendMessageResult): void {
    if (result.kind === 'stored') this.#contexts.advance(result.message.conversationId, result.message.seq);
    this.#done.written(result);
  }

  failed(error: unknown): void {
    this.#done.failed(error);
  }
}
