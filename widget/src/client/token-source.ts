/**
 * The participant token the client holds: when it is fresh enough, one `tokenProvider` call
 * at a time, and the renewal timer that fires a minute before `exp`.
 */
import { ChatClientError } from './errors.js';
import { tokenExpiry } from './token.js';

/** Renew this long before `exp`, so the socket never meets an expired token. */
const RENEW_BEFORE_MS = 60_000;
/** Never ask the provider more often than this, even for tokens that live less than a minute. */
const MIN_RENEW_DELAY_MS = 10_000;
/** setTimeout cannot wait longer (24.8 days); a longer wait fires early and re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * How early by the clock a renewal timer may fire and still renew. Node measures a timer's wait
 * from its event loop's time, which lags `Date.now()` by as long as the current callback has
 * run, so under load the timer can fire while the clock still says a few ms more than a minute
 * are left; without this the client waited another MIN_RENEW_DELAY_MS.
 */
const TIMER_SLACK_MS = 1_000;

export class TokenSource {
  current: string | null;
  readonly #provider: (() => Promise<string>) | undefined;
  readonly #now: () => number;
  #pending: Promise<string> | null = null;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(token: string | null, provider: (() => Promise<string>) | undefined, now: () => number) {
    this.current = token;
    this.#provider = provider;
    this.#now = now;
  }

  get canRenew(): boolean {
    return this.#provider !== undefined;
  }

  #expiresSoon(token: string, slackMs = 0): boolean {
    const expiry = tokenExpiry(token);
    return expiry !== null && expiry * 1000 - this.#now() <= RENEW_BEFORE_MS + slackMs;
  }

  /**
   * The current token, or the provider's when there is none or it expires within a minute.
   * Rejects with UNAUTHENTICATED when there is neither.
   */
  fresh(): Promise<string> {
    const token = this.current;
    if (token !== null && (!this.#expiresSoon(token) || !this.canRenew)) return Promise.resolve(token);
    return this.renew();
  }

  /** A new token from the provider; callers that ask meanwhile share the one call. */
  renew(): Promise<string> {
    const provider = this.#provider;
    if (provider === undefined) return Promise.reject(new ChatClientError('UNAUTHENTICATED', 'No token to authenticate with.'));
    this.#pending ??= provider()
      .then((token) => {
        this.current = token;
        return token;
      })
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }

  /** With a provider, calls `renewed` with a new token a minute before the current one expires. */
  scheduleRenewal(renewed: (token: string) => void): void {
    this.cancelRenewal();
    const expiry = this.current === null ? null : tokenExpiry(this.current);
    if (!this.canRenew || expiry === null) return;
    const due = expiry * 1000 - RENEW_BEFORE_MS - this.#now();
    this.#renewTimer = setTimeout(
      () => {
        // Not yet due: the host set a fresher token meanwhile, or setTimeout's limit cut the wait short.
        if (this.current !== null && !this.#expiresSoon(this.current, TIMER_SLACK_MS)) {
          this.scheduleRenewal(renewed);
          return;
        }
        this.renew().then(renewed, () => this.scheduleRenewal(renewed));
      },
      Math.min(MAX_TIMER_MS, Math.max(MIN_RENEW_DELAY_MS, due)),
    );
  }

  cancelRenewal(): void {
    clearTimeout(this.#renewTimer);
  }
}
