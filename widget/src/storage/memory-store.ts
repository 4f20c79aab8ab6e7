/**
 * `HistoryStore` in memory, for browsers that refuse IndexedDB (private modes, blocked
 * storage) and for tests. It behaves like the IndexedDB store, copies included (IndexedDB
 * stores structured clones), but forgets everything with the page.
 */
import type { Conversation } from '../../../protocol/browser.js';
import { MAX_CACHED_PER_CONVERSATION, type HistoryStore } from './history-store.js';
import { mergeMessages, relabelMessages } from './message-list.js';
import type { OutboxEntry, StoredMessage } from './records.js';

export class MemoryHistoryStore implements HistoryStore {
  #conversations: Conversation[] = [];
  readonly #messages = new Map<string, StoredMessage[]>();
  readonly #outbox = new Map<string, OutboxEntry>();

  async loadConversations(): Promise<Conversation[]> {
    return structuredClone(this.#conversations);
  }

  async saveConversations(list: Conversation[]): Promise<void> {
    this.#conversations = structuredClone(list);
  }

  async loadMessages(conversationId: string): Promise<StoredMessage[]> {
    return structuredClone(this.#messages.get(conversationId) ?? []);
  }

  async putMessages(conversationId: string, messages: StoredMessage[]): Promise<void> {
    const merged = mergeMessages(this.#messages.get(conversationId) ?? [], structuredClone(messages)).messages;
    this.#messages.set(conversationId, merged.slice(-MAX_CACHED_PER_CONVERSATION));
  }

  async deleteConversation(conversationId: string): Promise<void> {
    this.#messages.delete(conversationId);
    for (const entry of [...this.#outbox.values()]) {
      if (entry.conversationId === conversationId) this.#outbox.delete(entry.clientId);
    }
  }

  async outbox(): Promise<OutboxEntry[]> {
    return structuredClone([...this.#outbox.values()].sort((a, b) => a.createdAt - b.createdAt));
  }

  async putOutbox(entry: OutboxEntry): Promise<void> {
    this.#outbox.set(entry.clientId, structuredClone(entry));
  }

  async deleteOutbox(clientId: string): Promise<void> {
    this.#outbox.delete(clientId);
  }

  async relabel(conversationId: string, alias: string, realId: string): Promise<void> {
    const messages = this.#messages.get(conversationId);
    if (messages) this.#messages.set(conversationId, relabelMessages(messages, alias, realId));
  }

  async destroy(): Promise<void> {
    this.#conversations = [];
    this.#messages.clear();
    this.#outbox.clear();
  }

  close(): void {}
}
