/**
 * The one record of the client's current user (from a token, or READY) and their cache: it
 * stays while the client is stopped and is cleared by logout. Each user's cache (IndexedDB,
 * memory, or the host's store) is opened once, when asked for, and handed to the model; a
 * switch to another user forgets the previous cache in memory (it stays on disk).
 */
import type { HistoryStore } from '../storage/history-store.js';
import { MemoryHistoryStore } from '../storage/memory-store.js';
import { openHistoryStore } from '../storage/open-history-store.js';
import type { ChatModel } from './chat-model.js';
import type { SantaChatClientOptions } from './types.js';

type StorageOption = NonNullable<SantaChatClientOptions['storage']>;

export class CurrentUser {
  readonly #model: ChatModel;
  readonly #server: string;
  readonly #storage: StorageOption;
  /** `loaded`: their cache being or been loaded, null until asked for. */
  #user: { id: string; loaded: Promise<void> | null } | null;

  constructor(model: ChatModel, server: string, storage: StorageOption, userId: string | null) {
    this.#model = model;
    this.#server = server;
    this.#storage = storage;
    this.#user = userId === null ? null : { id: userId, loaded: null };
  }

  get id(): string | null {
    return this.#user?.id ?? null;
  }

  /** Whether this user's cache has been asked for (loaded or loading). */
  get cacheOpened(): boolean {
    return this.#user?.loaded != null;
  }

  /** The current user is `userId`; another user's cache is forgotten in memory (it stays on disk). */
  set(userId: string): void {
    if (this.#user?.id === userId) return;
    this.#forgetCache();
    this.#user = { id: userId, loaded: null };
  }

  /** Loads `userId`'s cache (who becomes the current user); resolves when history can render. */
  openCache(userId: string | null): Promise<void> {
    if (userId === null) return Promise.resolve();
    if (this.#user?.id === userId && this.#user.loaded !== null) return this.#user.loaded;
    this.#forgetCache();
    const loaded = this.#openStore(userId).then((store) => this.#model.open(store));
    this.#user = { id: userId, loaded };
    return loaded;
  }

  /**
   * Forgets the user at once and erases their cache and outbox, even when this client never
   * loaded it (logout before connect); a load still running finishes first, or it would hand
   * the model its store after the erase.
   */
  async erase(): Promise<void> {
    const loading = this.#user === null ? undefined : this.openCache(this.#user.id);
    this.#user = null;
    await loading;
    await this.#model.destroy();
  }

  #forgetCache(): void {
    if (this.#user?.loaded == null) return;
    this.#model.close();
    this.#user.loaded = null;
  }

  #openStore(userId: string): Promise<HistoryStore> {
    if (this.#storage === 'memory') return Promise.resolve(new MemoryHistoryStore());
    if (this.#storage === 'indexeddb') return openHistoryStore(this.#server, userId);
    return Promise.resolve(this.#storage);
  }
}
