import type { Bus, BusEvent, BusHandler, BusHealth } from './bus.js';

/** Fan-out inside one process: the embedded default, when `REDIS_URL` is unset. */
export class MemoryBus implements Bus {
  readonly #handlers = new Set<BusHandler>();

  publish(event: BusEvent): void {
    for (const handler of this.#handlers) handler(event);
  }

  subscribe(handler: BusHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  async health(): Promise<BusHealth> {
    return 'off';
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}
