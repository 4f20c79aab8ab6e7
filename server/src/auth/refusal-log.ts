/**
 * What the relay's operator sees of refusals (docs/decisions/0013): each refused token at
 * `info` with its code and the user id it claimed, never the token; each refused origin at
 * `warn`, once per origin per interval, so a misconfigured site is visible without a flood.
 */
import { REFUSAL_EXPLANATIONS } from '../../../protocol/refusals.js';
import type { Logger } from '../core/logger.js';
import type { TokenCheck } from './jwt.js';

export type Door = 'websocket' | 'http';

/** Logs one token refusal at `info`: the code, a few words, and `sub` if the payload was readable. */
export function logTokenRefusal(logger: Logger, check: Extract<TokenCheck, { ok: false }>, door: Door): void {
  logger.info(
    {
      refusal: check.reason,
      detail: check.detail,
      door,
      ...(check.claimedUserId !== undefined ? { userId: check.claimedUserId } : {}),
    },
    `participant token refused: ${REFUSAL_EXPLANATIONS[check.reason]}`,
  );
}

export interface RefusedOriginLogOptions {
  /** One line per origin per this many milliseconds. Default one minute. */
  intervalMs?: number;
  /** Origins remembered at most; past it the oldest is forgotten (and may log again). Default 1000. */
  maxOrigins?: number;
  now?: () => number;
}

// A browser's Origin is short; a longer one is logged cut, and remembered by its cut form.
const MAX_LOGGED_ORIGIN = 200;

/** Logs refused origins at `warn`, at most once per origin per interval, in bounded memory. */
export class RefusedOriginLog {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #maxOrigins: number;
  readonly #now: () => number;
  /** Origin -> when it was last logged; a Map iterates in insertion order, oldest first. */
  readonly #lastLogged = new Map<string, number>();

  constructor(logger: Logger, options: RefusedOriginLogOptions = {}) {
    this.#logger = logger;
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#maxOrigins = options.maxOrigins ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Notes a refused `origin`; returns whether it was logged this time. */
  note(origin: string, door: Door): boolean {
    const shown = origin.length > MAX_LOGGED_ORIGIN ? `${origin.slice(0, MAX_LOGGED_ORIGIN)}…` : origin;
    const now = this.#now();
    const last = this.#lastLogged.get(shown);
    if (last !== undefined && now - last < this.#intervalMs) return false;
    this.#lastLogged.delete(shown);
    if (this.#lastLogged.size >= this.#maxOrigins) {
      const oldest = this.#lastLogged.keys().next().value;
      if (oldest !== undefined) this.#lastLogged.delete(oldest);
    }
    this.#lastLogged.set(shown, now);
    this.#logger.warn(
      { refusal: 'ORIGIN_NOT_ALLOWED', origin: shown, door },
      'origin refused: add it to SANTA_CHAT_ALLOWED_ORIGINS if this site should use the relay (repeats are not logged for a while)',
    );
    return true;
  }
}
