/**
 * The WebSocket side of the relay: refuses bad upgrades early, tracks each socket from open
 * to close, closes sockets that never authenticate, and pings every socket on a heartbeat.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CloseCode, MAX_CLOSE_REASON_BYTES, refusalCloseReason } from '../../../protocol/index.js';
import type { OriginPolicy } from '../auth/origin.js';
import { logTokenRefusal, type RefusedOriginLog } from '../auth/refusal-log.js';
import type { Logger } from '../core/logger.js';
import { setTimeoutAt } from '../core/long-timeout.js';
import type { RelayMetrics } from '../core/metrics.js';
import { Connection } from './connection.js';
import type { Dispatcher } from './dispatch.js';
import type { SocketHub } from './hub.js';
import { releaseReceivedPayloads } from './receiver-fragments.js';

export interface SocketServerOptions {
  dispatcher: Dispatcher;
  hub: SocketHub;
  originPolicy: () => OriginPolicy;
  /** Warns of refused origins, rate-limited; shared with the HTTP routes. */
  refusedOrigins: RefusedOriginLog;
  metrics: RelayMetrics;
  logger: Logger;
  maxFrameBytes: number;
  authTimeoutMs: number;
  heartbeatIntervalMs: number;
}

/**
 * The heartbeat's interval is walked in this many steps, each pinging its share of the sockets.
 * Pinging every socket in one turn stalled the event loop for 80–120 ms at 5,000 sockets (a
 * write each), and their pongs came back together right after: once per interval, every
 * message of that moment waited.
 */
const HEARTBEAT_STEPS = 100;

export class SocketServer {
  readonly #options: SocketServerOptions;
  readonly #wss: WebSocketServer;
  readonly #connections = new Set<Connection>();
  /** Sockets of refused origins, between their close frame and the end of the handshake. */
  readonly #refused = new Set<WebSocket>();
  readonly #heartbeat: NodeJS.Timeout;
  /** The heartbeat's round: the sockets there were when it began, the next to ping, and the steps left. */
  #round: Connection[] = [];
  #roundNext = 0;
  #stepsLeft = 0;
  #closing = false;

  constructor(options: SocketServerOptions) {
    this.#options = options;
    releaseReceivedPayloads(options.logger);
    // Compression stays off: it costs memory per socket and invites zip-bomb style abuse.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false });
    this.#heartbeat = setInterval(() => this.#step(), Math.max(1, options.heartbeatIntervalMs / HEARTBEAT_STEPS));
    this.#heartbeat.unref();
  }

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#upgrade(request, socket, head),
    );
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
    if (this.#closing) return refuseUpgrade(socket, 503, 'Service Unavailable');
    const origin = request.headers.origin;
    if (origin !== undefined && !this.#options.originPolicy().allows(origin)) {
      // A browser hides a refused upgrade's status (the page sees 1006, like an outage), so the
      // upgrade is accepted and closed at once with a reason the page can read. No listener is
      // attached: no frame of this socket is ever read into the dispatcher (decision 0013).
      this.#options.refusedOrigins.note(origin, 'websocket');
      this.#wss.handleUpgrade(request, socket, head, (webSocket) => {
        this.#refused.add(webSocket);
        webSocket.on('error', () => webSocket.terminate());
        webSocket.once('close', () => this.#refused.delete(webSocket));
        webSocket.close(CloseCode.ORIGIN_NOT_ALLOWED, originCloseReason(origin));
      });
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (webSocket) => this.#accept(webSocket));
  }

  #accept(webSocket: WebSocket): void {
    const { dispatcher, hub, metrics, logger } = this.#options;
    const connection = new Connection(webSocket, Date.now());
    this.#connections.add(connection);
    metrics.socketOpened();
    connection.setAuthTimeout(
      setTimeoutAt(Date.now() + this.#options.authTimeoutMs, () => {
        if (connection.isReady || connection.isClosed) return;
        logTokenRefusal(logger, { ok: false, reason: 'TOKEN_MISSING', detail: 'no AUTH frame in time' }, 'websocket');
        connection.close(CloseCode.UNAUTHENTICATED, refusalCloseReason('TOKEN_MISSING', 'No AUTH frame in time; send AUTH with a participant token first.'));
      }),
    );
    webSocket.on('pong', () => {
      connection.isAlive = true;
    });
    webSocket.on('message', (data: RawData, isBinary: boolean) => {
      if (connection.isClosed) return;
      dispatcher.receive(connection, isBinary ? decodeBinary(data) : rawToString(data));
    });
    webSocket.on('error', (error: Error) => {
      logger.debug({ err: error, connection: connection.number }, 'socket error');
    });
    webSocket.on('close', () => {
      const wasAuthenticated = connection.userId !== null;
      connection.markClosed();
      hub.remove(connection);
      this.#connections.delete(connection);
      metrics.socketClosed(wasAuthenticated);
    });
  }

  /**
   * One step of the heartbeat: the next share of the round's sockets. A round begins every
   * interval with the sockets open then, so each socket is pinged about once per interval, and
   * one that has not answered its last ping by its next turn is terminated.
   */
  #step(): void {
    if (this.#stepsLeft === 0) {
      this.#round = [...this.#connections];
      this.#roundNext = 0;
      this.#stepsLeft = HEARTBEAT_STEPS;
    }
    const round = this.#round;
    // An even share of what is left over the steps left: the round ends with its last step.
    const share = Math.ceil((round.length - this.#roundNext) / this.#stepsLeft);
    this.#stepsLeft -= 1;
    const end = Math.min(round.length, this.#roundNext + share);
    while (this.#roundNext < end) this.#beat(round[this.#roundNext++]!);
    if (this.#stepsLeft === 0) this.#round = [];
  }

  #beat(connection: Connection): void {
    // Closed since the round began.
    if (!this.#connections.has(connection)) return;
    if (!connection.isAlive) {
      connection.socket.terminate();
      return;
    }
    connection.isAlive = false;
    connection.socket.ping();
  }

  /** Stops accepting, closes every socket with 1001 and waits (briefly) for them to go. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    const closed = [...this.#connections].map(
      (connection) =>
        new Promise<void>((resolve) => {
          connection.socket.once('close', () => resolve());
          connection.close(CloseCode.GOING_AWAY, 'Relay shutting down.');
        }),
    );
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([Promise.all(closed), deadline]);
    for (const connection of this.#connections) connection.socket.terminate();
    for (const webSocket of this.#refused) webSocket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

/** `ORIGIN_NOT_ALLOWED: add <origin> to SANTA_CHAT_ALLOWED_ORIGINS`, naming the origin when it fits and is plain. */
export function originCloseReason(origin: string): string {
  const named = refusalCloseReason('ORIGIN_NOT_ALLOWED', `add ${origin} to SANTA_CHAT_ALLOWED_ORIGINS`);
  if (/^[\x21-\x7e]+$/.test(origin) && Buffer.byteLength(named) <= MAX_CLOSE_REASON_BYTES && !named.endsWith('…')) {
    return named;
  }
  return refusalCloseReason('ORIGIN_NOT_ALLOWED', "add this page's origin to SANTA_CHAT_ALLOWED_ORIGINS");
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/**
 * The contract speaks JSON text frames. A binary frame is decoded strictly: invalid UTF-8
 * becomes a string that is not JSON, so it is refused as BAD_REQUEST like any other junk.
 */
function decodeBinary(data: RawData): string {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return '\u0000invalid utf-8';
  }
}
