/**
 * Handles the frames of one socket, per docs/protocol.md §3. A bad frame is answered with an
 * `ERROR` frame and the socket stays open; only the contract's close codes close it.
 */
import {
  CloseCode,
  LIMITS,
  parseClientFrame,
  refusalCloseReason,
  type ClientFrame,
  type ErrorCode,
  type NewMessageFrame,
} from '../../../protocol/index.js';
import { verifyParticipantToken, type JwtOptions, type TokenCheck } from '../auth/jwt.js';
import { logTokenRefusal } from '../auth/refusal-log.js';
import type { SendReply } from '../chat/send.js';
import type { ChatService } from '../chat/service.js';
import type { MessageRecord } from '../store/store.js';
import { ChatError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { setTimeoutAt } from '../core/long-timeout.js';
import type { RelayMetrics } from '../core/metrics.js';
import { ackFrame, errorFrame, historyFrame, PONG_FRAME, reportedFrame } from '../views/frames.js';
import { SocketState, type Connection, type FrameTask } from './connection.js';
import { buildReady } from './ready.js';
import type { SocketHub } from './hub.js';
import { SlidingWindowLimiter } from '../limits/sliding-window.js';

export interface DispatcherOptions {
  service: ChatService;
  hub: SocketHub;
  jwt: JwtOptions;
  metrics: RelayMetrics;
  logger: Logger;
  abuseRefusedFrames: number;
  abuseWindowMs: number;
}

export class Dispatcher {
  readonly #service: ChatService;
  readonly #hub: SocketHub;
  readonly #jwt: JwtOptions;
  readonly #metrics: RelayMetrics;
  readonly #logger: Logger;
  /** Refused frames per socket: a client that keeps sending garbage is closed 1008. */
  readonly #refusals: SlidingWindowLimiter;

  constructor(options: DispatcherOptions) {
    this.#service = options.service;
    this.#hub = options.hub;
    this.#jwt = options.jwt;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
    this.#refusals = new SlidingWindowLimiter(options.abuseRefusedFrames, options.abuseWindowMs);
  }

  /** Entry point for each text frame; frames of one socket are handled in arrival order. */
  receive(connection: Connection, text: string): void {
    this.#metrics.frameReceived();
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      if (parsed.type === 'AUTH') {
        this.#enqueue(connection, () => this.#refuseTokenless(connection, text));
        return;
      }
      this.#refuse(connection, 'BAD_REQUEST', parsed.message, parsed);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === 'PING') {
      connection.send(PONG_FRAME);
      return;
    }
    // The common case: nothing of this socket's is waiting, so the send starts now, in this
    // turn, and the socket's next frames wait for its answer (docs/decisions/0019).
    if (frame.type === 'NEW_MESSAGE' && connection.idle && connection.isReady && connection.userId !== null) {
      this.#send(connection, connection.userId, frame, connection.hold());
      return;
    }
    this.#enqueue(connection, () => this.#handle(connection, frame));
  }

  #enqueue(connection: Connection, task: FrameTask): void {
    if (!connection.enqueue(task)) connection.close(CloseCode.POLICY_VIOLATION, 'Too many frames waiting; slow down.');
  }

  async #handle(connection: Connection, frame: Exclude<ClientFrame, { type: 'PING' }>): Promise<void> {
    if (connection.isClosed) return;
    if (frame.type === 'AUTH') return this.#authenticate(connection, frame.token);
    const userId = connection.userId;
    if (!connection.isReady || userId === null) {
      this.#refuse(connection, 'UNAUTHENTICATED', 'Send an AUTH frame with your token first.', {});
      return;
    }
    if (frame.type === 'NEW_MESSAGE') return new Promise<void>((settled) => this.#send(connection, userId, frame, settled));
    try {
      switch (frame.type) {
        case 'TYPING':
          return await this.#service.typing(userId, frame.conversationId);
        case 'READ':
          await this.#service.markRead(userId, frame.conversationId, frame.upTo);
          return;
        case 'SYNC': {
          const { context, page } = await this.#service.history(userId, frame.conversationId, {
            after: frame.after,
            limit: LIMITS.syncPageMax,
          });
          const now = this.#service.now();
          connection.delivered.sentPage(frame.conversationId, frame.after, page.messages.map((message) => message.seq));
          connection.send(historyFrame(context, page.messages, page.hasMore, userId, now));
          return;
        }
        case 'REPORT':
          await this.#service.report(userId, frame.conversationId, frame.messageId, frame.reason ?? null);
          connection.send(reportedFrame(frame.conversationId, frame.messageId));
          return;
      }
    } catch (error) {
      this.#refuseError(connection, error, { conversationId: frame.conversationId });
    }
  }

  /**
   * A NEW_MESSAGE: its ACK once the message is durably stored, or its ERROR; `settled` when
   * the socket's next frame may be handled.
   */
  #send(connection: Connection, userId: string, frame: NewMessageFrame, settled: () => void): void {
    const reply = new SocketSendReply(connection, frame, this.#hub, this.#refuseErrorOf, settled);
    this.#service.sendNow(userId, frame.conversationId, frame.content, frame.clientId ?? null, reply);
  }

  readonly #refuseErrorOf: RefuseError = (connection, error, about) => this.#refuseError(connection, error, about);

  async #authenticate(connection: Connection, token: string): Promise<void> {
    const check = await verifyParticipantToken(token, this.#jwt);
    // Verifying is asynchronous now: the socket may have gone meanwhile.
    if (connection.isClosed) return;
    if (!check.ok) return this.#refuseToken(connection, check);
    if (connection.userId !== null && connection.userId !== check.userId) {
      return this.#refuseToken(connection, {
        ok: false,
        reason: 'TOKEN_USER_CHANGED',
        detail: `renewal for another user than ${connection.userId}`,
        claimedUserId: check.userId,
      });
    }
    const firstAuth = connection.state === SocketState.AWAITING_AUTH;
    connection.userId = check.userId;
    connection.state = SocketState.READY;
    connection.setAuthTimeout(undefined);
    connection.setExpiry(
      setTimeoutAt(check.expiresAt + (this.#jwt.leewaySeconds ?? LIMITS.jwtLeewaySeconds) * 1000, () =>
        connection.close(CloseCode.TOKEN_EXPIRED, refusalCloseReason('TOKEN_EXPIRED', 'The token expired and was not renewed; reconnect with a new one.')),
      ),
    );
    if (firstAuth) {
      this.#metrics.socketAuthenticated();
      for (const evicted of this.#hub.add(connection, check.userId)) {
        evicted.close(CloseCode.TOO_MANY_SOCKETS, 'Too many connections for this user; closed the oldest.');
      }
    }
    try {
      const { frame, overviews } = await buildReady(this.#service, check.userId);
      if (connection.isClosed) return;
      if (firstAuth) {
        // What exists now the client fetches itself (SYNC); what comes later the relay pushes.
        for (const overview of overviews) connection.delivered.baseline(overview.conversation.id, overview.conversation.lastSeq);
      }
      connection.send(frame);
    } catch (error) {
      this.#refuseError(connection, error, {});
      // Without READY a new socket is of no use, and a client would wait for it until its own
      // timeout; closing lets its reconnect loop try again after a backoff. A renewal keeps
      // its socket: the client has its READY from before.
      if (firstAuth && !(error instanceof ChatError)) {
        connection.close(CloseCode.INTERNAL_ERROR, 'The relay cannot load your conversations now; reconnect.');
      }
    }
  }

  /** docs/protocol.md §3: a refused token closes 4401, its reason starting with the refusal's code. */
  #refuseToken(connection: Connection, check: Extract<TokenCheck, { ok: false }>): void {
    this.#metrics.refused('UNAUTHENTICATED');
    logTokenRefusal(this.#logger, check, 'websocket');
    connection.close(CloseCode.UNAUTHENTICATED, refusalCloseReason(check.reason));
  }

  /** An AUTH frame without a usable token closes 4401 like a bad token: missing, or over 8 KiB. */
  #refuseTokenless(connection: Connection, text: string): void {
    if (connection.isClosed) return;
    this.#refuseToken(connection, hasLongToken(text)
      ? { ok: false, reason: 'TOKEN_MALFORMED', detail: 'token over 8 KiB' }
      : { ok: false, reason: 'TOKEN_MISSING', detail: 'AUTH frame without a token' });
  }

  #refuseError(connection: Connection, error: unknown, about: { clientId?: string; conversationId?: string }): void {
    if (error instanceof ChatError) {
      this.#refuse(connection, error.code, error.message, {
        ...about,
        ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      });
      return;
    }
    this.#logger.error({ err: error, connection: connection.number }, 'frame handling failed');
    this.#refuse(connection, 'INTERNAL', 'The relay could not handle this frame; try again.', about);
  }

  #refuse(
    connection: Connection,
    code: ErrorCode,
    message: string,
    details: { clientId?: string; conversationId?: string; retryAfterMs?: number },
  ): void {
    this.#metrics.refused(code);
    connection.send(errorFrame(code, message, details));
    // INTERNAL is the relay's failure, not the client's: a database outage must not close
    // the sockets whose outboxes are retrying.
    if (code !== 'INTERNAL' && this.#refusals.take(String(connection.number), Date.now()) > 0) {
      connection.close(CloseCode.POLICY_VIOLATION, 'Too many refused frames.');
    }
  }
}

/** Whether a refused AUTH frame did carry a token string, too long to be one (the frame rule's 8 KiB). */
function hasLongToken(text: string): boolean {
  try {
    const frame: unknown = JSON.parse(text);
    const token = typeof frame === 'object' && frame !== null ? (frame as { token?: unknown }).token : undefined;
    return typeof token === 'string' && token.length > LIMITS.maxTokenLength;
  } catch {
    return false;
  }
}

type RefuseError = (connection: Connection, error: unknown, about: { clientId?: string; conversationId?: string }) => void;

/**
 * How one NEW_MESSAGE is answered (`chat/send.ts` calls it back). A send with a `clientId` is
 * ACKed once stored, before the fan-out, which then skips this socket: the ACK stands for the
 * NEW_MESSAGE (docs/protocol.md). A retry answered with the original is ACKed when it is done.
 */
class SocketSendReply implements SendReply {
  readonly #connection: Connection;
  readonly #frame: NewMessageFrame;
  readonly #hub: SocketHub;
  readonly #refuseError: RefuseError;
  readonly #settled: () => void;
  #acked = false;

  constructor(connection: Connection, frame: NewMessageFrame, hub: SocketHub, refuseError: RefuseError, settled: () => void) {
    this.#connection = connection;
    this.#frame = frame;
    this.#hub = hub;
    this.#refuseError = refuseError;
    this.#settled = settled;
  }

  stored(message: MessageRecord): void {
    const clientId = this.#frame.clientId;
    if (clientId === undefined) return;
    this.#acked = true;
    this.#connection.send(ackFrame(message, clientId));
    this.#hub.acknowledged(this.#connection, message);
  }

  done(message: MessageRecord): void {
    if (!this.#acked && message.clientId !== null) this.#connection.send(ackFrame(message, message.clientId));
    this.#settled();
  }

  failed(error: unknown): void {
    const { clientId, conversationId } = this.#frame;
    this.#refuseError(this.#connection, error, clientId === undefined ? { conversationId } : { conversationId, clientId });
    this.#settled();
  }
}
