/**
 * One client socket: its state, who it belongs to, its timers, and a queue that handles its
 * frames one at a time so a client's sends are stored in the order it sent them.
 */
import WebSocket from 'ws';
import type { ServerFrame } from '../../../protocol/index.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { flushFrames, queuedLength, writeFrame } from './frame-writer.js';

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

/** Handles one frame; a promise when it finishes later (the next frame waits for it). */
export type FrameTask = () => Promise<void> | void;

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
  /** Frames waiting for the one being handled; a plain FIFO, not a chain of promises. */
  readonly #waiting: FrameTask[] = [];
  /** A frame is being handled (its task, or a frame held with `hold`, has not settled). */
  #busy = false;
  /** One function per socket that every handled frame's end calls: no closure per frame. */
  readonly #settled = (): void => {
    this.#busy = false;
    this.#runWaiting();
  };
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
    // What the TCP socket holds, and what this turn has queued for it so far.
    if (this.socket.bufferedAmount + queuedLength(this.socket) > MAX_BUFFERED_BYTES) {
      this.socket.terminate();
      return;
    }
    writeFrame(this.socket, text);
  }

  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  close(code: number, reason: string): void {
    if (this.state === SocketState.CLOSED) return;
    this.markClosed();
    // What was sent before the close goes before the close frame.
    flushFrames(this.socket);
    this.socket.close(code, reason);
  }

  /** No frame of this socket is being handled or waiting: one that arrives now may be handled at once. */
  get idle(): boolean {
    return !this.#busy && this.#waiting.length === 0;
  }

  /**
   * Runs `task` after every task queued before it (at once when none is); a failing task does
   * not stop the queue. False, and nothing queued, when MAX_QUEUED_FRAMES are already waiting.
   */
  enqueue(task: FrameTask): boolean {
    if (this.#waiting.length + (this.#busy ? 1 : 0) >= MAX_QUEUED_FRAMES) return false;
    this.#waiting.push(task);
    if (!this.#busy) this.#runWaiting();
    return true;
  }

  /**
   * A frame is being handled now, outside a task (the queue was `idle`); it ends when the
   * returned function is called (the same function every time: nothing is made per frame).
   * Frames that arrive meanwhile wait for it, so frames are still answered in order.
   */
  hold(): () => void {
    this.#busy = true;
    return this.#settled;
  }

  #runWaiting(): void {
    let task: FrameTask | undefined;
    while ((task = this.#waiting.shift()) !== undefined) {
      this.#busy = true;
      let pending: Promise<void> | void;
      try {
        pending = task();
      } catch {
        pending = undefined;
      }
      if (pending !== undefined) {
        pending.then(this.#settled, this.#settled);
        return;
      }
      this.#busy = false;
    }
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
