/**
 * One WebSocket to the relay, speaking JSON frames. The client makes a new one per attempt
 * and tags it with a number; callbacks of a socket that is no longer current are dropped there.
 */
import { parseServerFrame, type ClientFrame, type ServerFrame } from '../../../protocol/browser.js';

export interface TransportHandlers {
  open(): void;
  frame(frame: ServerFrame): void;
  /** `reason` is the relay's close reason (`CODE: sentence` for a refusal), `''` when there is none. */
  close(code: number, reason: string): void;
}

/** The socket's readyState once it can send (WebSocket.OPEN, the same in browsers and `ws`). */
const OPEN = 1;

export class Transport {
  readonly #socket: WebSocket;

  constructor(WebSocketClass: typeof WebSocket, url: string, handlers: TransportHandlers) {
    this.#socket = new WebSocketClass(url);
    this.#socket.addEventListener('open', () => handlers.open());
    this.#socket.addEventListener('message', (event: MessageEvent) => {
      // A frame the contract does not describe is ignored, never thrown into the event loop.
      const frame = typeof event.data === 'string' ? parseServerFrame(event.data) : null;
      if (frame !== null) handlers.frame(frame);
    });
    this.#socket.addEventListener('close', (event: CloseEvent) => handlers.close(event.code, event.reason ?? ''));
    // Every failure is followed by `close`, which is where the client reacts.
    this.#socket.addEventListener('error', () => {});
  }

  /** Sends when open; reports false otherwise (the frame is not queued). */
  send(frame: ClientFrame): boolean {
    if (this.#socket.readyState !== OPEN) return false;
    try {
      this.#socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    try {
      this.#socket.close(1000);
    } catch {
      // Closing a socket that never opened can throw in some implementations; it is gone either way.
    }
  }
}
