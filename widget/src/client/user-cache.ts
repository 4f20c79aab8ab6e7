/**
 * Whose chat the client holds: the one owner of the current user's id, and of their cache,
 * opened into the `ChatModel` once per user however many connection attempts race for it.
 */
import type { HistoryStore } from '../storage/history-store.js';
import { MemoryHistoryStore } from '../storage/memory-store.js';
import { openHistoryStore } from '../storage/open-history-store.js';
import type { ChatModel } from './chat-model.js';

/** `indexeddb` (memory when the browser refuses it), `memory`, or a store of one's own. */
export type StorageOption = 'indexeddb' | 'memory' | HistoryStore;

export class UserCache {
  readonly #model: ChatModel;
  readonly #server: string;
  readonly #storage: StorageOption;
  /**
   * The user (from a token, or READY); stays while stopped, cleared by `erase`. `loaded`:
   * their cache being or been loaded, null until it is asked for.
   */
  #user: { id: string; loaded: Promise<void> | null } | null;

  constructor(model: ChatModel, server: string, storage: StorageOption, userId: string | null) {
    this.#model = model;
    this.#server = server;
    this.#storage = storage;
    this.#user = userId === null ? null : { id: userId, loaded: null };
  }

  get userId(): string | null {
    return this.#user?.id ?? null;
  }

  /** Whether the cache of a user other than `userId` is loaded (or loading). */
  holdsOtherThan(userId: string): boolean {
    return this.#user?.loaded != null && this.#user.id !== userId;
  }

  /** The current user is `userId`; another user's cache is forgotten in memory (it stays on disk). */
  setUser(userId: string): void {
    if (this.#user?.id === userId) return;
    this.#forget();
    this.#user = { id: userId, loaded: null };
  }

  /** Loads `userId`'s cache (becoming the current user); resolves when history can render. */
  open(userId: string | null): Promise<void> {
    if (userId === null) return Promise.resolve();
    if (this.#user?.id === userId && this.#user.loaded !== null) return this.#user.loaded;
    this.#forget();
    const loaded = this.#openStore(userId).then((store) => this.#model.open(store));
    this.#user = { id: userId, loaded };
    return loaded;
  }

  /**
   * Forgets the user and erases their cache, even one this client never loaded (logout
   * before connect). A load still running finishes first, or it would hand the model its
   * store after the erase.
   */
  async erase(): Promise<void> {
    const loading = this.#user === null ? undefined : this.open(this.#user.id);
    this.#user = null;
    await loading;
    await this.#model.destroy();
  }

  #forget(): void {
    if (this.#user?.loaded != null) this.#model.close();
    if (this.#user) this.#user.loaded = null;
  }

  #openStore(userId: string): Promise<HistoryStore> {
    if (this.#storage === 'memory') return Promise.resolve(new MemoryHistoryStore());
    if (this.#storage === 'indexeddb') return openHistoryStore(this.#server, userId);
    return Promise.resolve(this.#storage);
  }
}
