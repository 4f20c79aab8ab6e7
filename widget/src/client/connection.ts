/**
 * The client's one socket at a time to the relay's `/ws`: a small state machine
 * (disconnected, connecting, connected) with one `#setState`, AUTH first on every open, a
 * ready timeout, the PING heartbeat, token renewal on the live socket, and the reconnect
 * loop with jittered backoff. What the frames mean is the facade's (client.ts).
 *
 * Reconnects are a loop of our own (about 40 lines) rather than reconnecting-websocket 4.4
 * (docs/decisions/0005-own-reconnect-loop.md): its delay is min * factor^n with no
 * per-attempt randomness, so it cannot do full jitter; frames sent while closed are queued
 * and flushed on open before any listener could send AUTH; it reconnects by itself after
 * closes that must stop (4401 without a provider, 4409); and one socket wrapper hides which
 * socket an event came from, which the socket counter needs. Close codes: 4401/4403 renew the
 * token through `tokenProvider` (or stop as `unauthorized`), 4409 stops as `replaced` (coming
 * back would close another tab's socket in turn), everything else (1001, 1006, 1008, 1009)
 * retries with backoff.
 */
import { CloseCode, parseRefusal, type ClientFrame, type Refusal, type ServerFrame } from '../../../protocol/browser.js';
import { backoffDelay } from './backoff.js';
import { ChatClientError } from './errors.js';
import { tokenSubject } from './token.js';
import type { TokenSource } from './token-source.js';
import { Transport } from './transport.js';
import { ClientConnectionState, DisconnectReason, type ClientEventMap } from './types.js';

/** Application-level heartbeat: a PING this often while connected... */
const PING_INTERVAL_MS = 25_000;
/** ...and a socket that then stays silent this long is dead (a half-open TCP connection). */
const PONG_TIMEOUT_MS = 10_000;
/** From creating a socket to READY; covers a connect that hangs on a black-holed network. */
const READY_TIMEOUT_MS = 15_000;

export interface ConnectionHooks {
  /**
   * Opens the cache of the user `tokenSubject` names (null: of the user already known), so
   * history shows before any network call. Awaited before and after a token is fetched.
   */
  openCache(tokenSubject: string | null): Promise<void>;
  /** Every frame from the relay, READY included (which calls `ready()` back). */
  frame(frame: ServerFrame): void;
  /** The socket and every timer tied to it are gone. */
  dropped(): void;
  /** A new token, fetched a minute before the current one expires. */
  renewed(token: string): void;
  state(detail: ClientEventMap['state']): void;
  /** The relay refused this page or its token for a reason it named (a setup problem, not an outage). */
  refused(refusal: { code: Refusal; message: string }): void;
}

export interface ConnectionOptions {
  url: string;
  WebSocket: typeof WebSocket;
  tokens: TokenSource;
  random: () => number;
}

export function socketUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

export class Connection {
  readonly #options: ConnectionOptions;
  readonly #tokens: TokenSource;
  readonly #hooks: ConnectionHooks;

  #state: ClientConnectionState = ClientConnectionState.DISCONNECTED;
  #lastDisconnectReason: DisconnectReason | null = null;
  /** connect() was called and no stop since (offline is a pause, not a stop). */
  #running = false;
  #starting: Promise<void> | null = null;
  /** Stopped for lack of a valid token: a new token resumes. */
  #resumeOnToken = false;
  /** Tokens refused in a row for a setup reason (not expiry); reset by READY. */
  #setupRefusals = 0;
  #transport: Transport | null = null;
  /** Bumped for every socket and every stop: callbacks carrying an older number are ignored. */
  #socketId = 0;
  #authenticatedSocketId = -1;
  #readySocketId = -1;
  #attempts = 0;

  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #readyTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ConnectionOptions, hooks: ConnectionHooks) {
    this.#options = options;
    this.#tokens = options.tokens;
    this.#hooks = hooks;
  }

  get state(): ClientConnectionState {
    return this.#state;
  }

  get lastDisconnectReason(): DisconnectReason | null {
    return this.#lastDisconnectReason;
  }

  /** Running, or stopped only until a new token comes. */
  get wanted(): boolean {
    return this.#running || this.#resumeOnToken;
  }

  #setState(state: ClientConnectionState, reason?: DisconnectReason): void {
    const previous = this.#state;
    const reasonChanged = reason !== undefined && reason !== this.#lastDisconnectReason;
    if (reason !== undefined) this.#lastDisconnectReason = reason;
    if (state === previous && !reasonChanged) return;
    this.#state = state;
    this.#hooks.state(reason === undefined ? { state, previous } : { state, previous, reason });
  }

  /** Starts the attempts; resolves when the first socket is on its way. Idempotent while running. */
  connect(): Promise<void> {
    if (this.#running) return this.#starting ?? Promise.resolve();
    this.#running = true;
    this.#resumeOnToken = false;
    this.#attempts = 0;
    this.#setState(ClientConnectionState.CONNECTING);
    this.#listenToNetwork(true);
    this.#starting = this.#attempt().finally(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  stop(reason: DisconnectReason): void {
    this.#running = false;
    this.#resumeOnToken = reason === DisconnectReason.UNAUTHORIZED;
    this.#dropTransport();
    this.#tokens.cancelRenewal();
    this.#listenToNetwork(false);
    this.#setState(ClientConnectionState.DISCONNECTED, reason);
  }

  /**
   * The token changed (same user): resumes a chat stopped for its token, or sends it as AUTH
   * on a live socket (the relay renews without dropping the socket).
   */
  tokenChanged(token: string): void {
    if (this.#resumeOnToken) {
      void this.connect();
      return;
    }
    if (this.#authenticatedSocketId === this.#socketId && this.#transport?.send({ type: 'AUTH', token })) this.#scheduleRenewal();
  }

  /** Sends on a connected socket; false when there is none (the frame is not queued). */
  send(frame: ClientFrame): boolean {
    return this.#state === ClientConnectionState.CONNECTED && this.#transport !== null && this.#transport.send(frame);
  }

  /**
   * READY arrived (the caller has taken in its list): connected. Returns whether it is the
   * first READY on this socket; one after a token renewal on the same socket is not, and
   * catch-up and re-sends already happened.
   */
  ready(): boolean {
    const firstOnSocket = this.#readySocketId !== this.#socketId;
    this.#readySocketId = this.#socketId;
    clearTimeout(this.#readyTimer);
    this.#attempts = 0;
    this.#setupRefusals = 0;
    this.#setState(ClientConnectionState.CONNECTED);
    this.#scheduleRenewal();
    this.#startHeartbeat();
    return firstOnSocket;
  }

  /** One connection attempt: the user's cache, a usable token, then the socket. Never rejects. */
  async #attempt(): Promise<void> {
    const id = ++this.#socketId;
    // The user named by the token at hand: history shows before any network call.
    await this.#hooks.openCache(null);
    if (id !== this.#socketId) return;
    let token: string;
    try {
      token = await this.#tokens.fresh();
    } catch (error) {
      if (id !== this.#socketId) return;
      if (error instanceof ChatClientError && error.code === 'UNAUTHENTICATED') this.stop(DisconnectReason.UNAUTHORIZED);
      else this.#retryLater();
      return;
    }
    if (id !== this.#socketId) return;
    await this.#hooks.openCache(tokenSubject(token));
    if (id !== this.#socketId) return;
    if (globalThis.navigator?.onLine === false) {
      this.#goOffline();
      return;
    }
    this.#transport = new Transport(this.#options.WebSocket, this.#options.url, {
      open: () => {
        if (id === this.#socketId) void this.#authenticate(id);
      },
      frame: (frame) => {
        if (id !== this.#socketId) return;
        // Any frame proves the socket alive (PONG is for nothing else).
        clearTimeout(this.#pongTimer);
        this.#hooks.frame(frame);
      },
      close: (code, reason) => {
        if (id === this.#socketId) this.#handleClose(code, reason);
      },
    });
    this.#readyTimer = setTimeout(() => {
      if (id === this.#socketId) this.#retryLater();
    }, READY_TIMEOUT_MS);
  }

  /** AUTH is the first frame on every socket; nothing else goes out before READY. */
  async #authenticate(id: number): Promise<void> {
    let token: string;
    try {
      token = await this.#tokens.fresh();
    } catch {
      if (id === this.#socketId) this.#retryLater();
      return;
    }
    if (id !== this.#socketId) return;
    this.#authenticatedSocketId = id;
    this.#transport?.send({ type: 'AUTH', token });
  }

  #handleClose(code: number, reason: string): void {
    this.#transport = null;
    const refusal = parseRefusal(reason);
    if (code === CloseCode.ORIGIN_NOT_ALLOWED) {
      // No retry can help: the relay's SANTA_CHAT_ALLOWED_ORIGINS must list this page's origin.
      this.#hooks.refused({ code: refusal ?? 'ORIGIN_NOT_ALLOWED', message: explanation(reason) });
      this.stop(DisconnectReason.ORIGIN_NOT_ALLOWED);
      return;
    }
    if (code === CloseCode.UNAUTHENTICATED || code === CloseCode.TOKEN_EXPIRED) {
      // An expired or missing token is renewed; any other refusal is the host's setup (a wrong
      // secret, issuer or clock), which a new token fixes rarely: say so, and stop at the second.
      const setupProblem = refusal !== null && refusal !== 'TOKEN_EXPIRED' && refusal !== 'TOKEN_MISSING';
      if (setupProblem) {
        this.#hooks.refused({ code: refusal, message: explanation(reason) });
        this.#setupRefusals += 1;
      }
      if (!this.#tokens.canRenew || this.#setupRefusals >= 2) {
        this.stop(DisconnectReason.UNAUTHORIZED);
        return;
      }
      // The token was refused: the next attempt asks the provider for a new one.
      this.#tokens.current = null;
    }
    if (code === CloseCode.TOO_MANY_SOCKETS) {
      this.stop(DisconnectReason.REPLACED);
      return;
    }
    // Everything else (network, 1001 relay restart, 1008, 1009, heartbeat) is worth a retry.
    this.#retryLater();
  }

  /** Drops the current socket, if any, and tries again after a backoff delay. */
  #retryLater(): void {
    this.#dropTransport();
    this.#setState(ClientConnectionState.CONNECTING, DisconnectReason.TRANSPORT);
    const delay = backoffDelay(this.#attempts++, this.#options.random);
    this.#reconnectTimer = setTimeout(() => void this.#attempt(), delay);
  }

  #goOffline(): void {
    this.#dropTransport();
    this.#setState(ClientConnectionState.DISCONNECTED, DisconnectReason.OFFLINE);
  }

  /** Silences and closes the current socket and every timer tied to it. */
  #dropTransport(): void {
    this.#socketId++;
    this.#transport?.close();
    this.#transport = null;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#readyTimer);
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
    this.#hooks.dropped();
  }

  /** A new token a minute before expiry, sent as AUTH on the live socket so it never drops. */
  #scheduleRenewal(): void {
    this.#tokens.scheduleRenewal((token) => {
      if (this.#running) this.#hooks.renewed(token);
    });
  }

  #startHeartbeat(): void {
    clearInterval(this.#pingTimer);
    const id = this.#socketId;
    this.#pingTimer = setInterval(() => {
      if (id !== this.#socketId || !this.send({ type: 'PING' })) return;
      clearTimeout(this.#pongTimer);
      this.#pongTimer = setTimeout(() => {
        if (id === this.#socketId) this.#retryLater();
      }, PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  readonly #onOnline = (): void => {
    if (!this.#running || this.#state === ClientConnectionState.CONNECTED) return;
    this.#dropTransport();
    this.#attempts = 0;
    this.#setState(ClientConnectionState.CONNECTING);
    void this.#attempt();
  };

  readonly #onOffline = (): void => {
    if (this.#running) this.#goOffline();
  };

  #listenToNetwork(listen: boolean): void {
    if (typeof window === 'undefined') return;
    const method = listen ? 'addEventListener' : 'removeEventListener';
    window[method]('online', this.#onOnline);
    window[method]('offline', this.#onOffline);
  }
}

/** The sentence after `CODE: ` in a close reason (the whole reason when it names no code). */
function explanation(reason: string): string {
  return reason.replace(/^[A-Z_]+:\s*/, '');
}
