/**
 * One client socket: its state, who it belongs to, its timers, and a queue that handles its
 * frames one at a time so a client's sends are stored in the order it sent them.
 */
import WebSocket from 'ws';
import type { ServerFrame } from '../../../protocol/index.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { coalesceWrites } from './write-coalescer.js';

export const SocketState = {
  AWAITING_AUTH: 'awaiting-auth',
  READY: 'ready',
  CLOSED: 'closed',
} as const;
export type SocketState = (typeof SocketState)[keyof typeof SocketState];

/** A client that stops reading gets this much buffered, then it is dropped. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * Frames read but not yet handled, per socket. A widget has a few in flight (its SYNCs and
 * outbox after a reconnect); a client past this is flooding, and is closed 1008 before its
 * queue can grow the relay's memory.
 */
const MAX_QUEUED_FRAMES = 1000;

let nextConnectionNumber = 1;

export class Connection {
  readonly socket: WebSocket;
  readonly number = nextConnectionNumber++;
  readonly openedAt: number;
  state: SocketState = SocketState.AWAITING_AUTH;
  userId: string | null = null;
  /** Cleared by each heartbeat ping, set again by the pong. */
  isAlive = true;
  /** What this socket was sent of each conversation, for a catch-up after events were lost. */
  readonly delivered = new DeliveryLedger();
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  #cancelAuthTimeout: (() => void) | undefined;
  #cancelExpiry: (() => void) | undefined;

  constructor(socket: WebSocket, openedAt: number) {
    this.socket = socket;
    this.openedAt = openedAt;
  }

  get isClosed(): boolean {
    return this.state === SocketState.CLOSED;
  }

  get isReady(): boolean {
    return this.state === SocketState.READY;
  }

  /** Sends an already serialized frame (one serialization per audience, not per socket). */
  sendText(text: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.terminate();
      return;
    }
    coalesceWrites(this.socket);
    this.socket.send(text);
  }

  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  close(code: number, reason: string): void {
    if (this.state === SocketState.CLOSED) return;
    this.markClosed();
    this.socket.close(code, reason);
  }

  /**
   * Runs `task` after every task queued before it; a failing task does not stop the queue.
   * False, and nothing queued, when MAX_QUEUED_FRAMES are already waiting.
   */
  enqueue(task: () => Promise<void>): boolean {
    if (this.#queued >= MAX_QUEUED_FRAMES) return false;
    this.#queued += 1;
    const run = async (): Promise<void> => {
      try {
        await task();
      } finally {
        this.#queued -= 1;
      }
    };
    this.#queue = this.#queue.then(run, run);
    return true;
  }

  /** The 4401 close for a socket that never authenticates. */
  setAuthTimeout(cancel: (() => void) | undefined): void {
    this.#cancelAuthTimeout?.();
    this.#cancelAuthTimeout = cancel;
  }

  /** The 4403 close for the current token's expiry; a renewed token replaces it. */
  setExpiry(cancel: (() => void) | undefined): void {
    this.#cancelExpiry?.();
    this.#cancelExpiry = cancel;
  }

  markClosed(): void {
    if (this.state === SocketState.CLOSED) return;
    this.state = SocketState.CLOSED;
    this.setAuthTimeout(undefined);
    this.setExpiry(undefined);
  }
}
