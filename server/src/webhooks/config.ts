/** What the webhook loop is configured with (`SANTA_CHAT_WEBHOOK_*`, read in `../config.ts`), and its defaults. */
export interface WebhookConfig {
  /**
   * Absolute (`SANTA_CHAT_WEBHOOK_URL`). A caller building the config itself may give a path
   * starting with `/`: it is resolved against the relay's own URL once it listens (the demo
   * points the webhooks at a route of its own this way).
   */
  url: string;
  /** `whsec_…`, the Standard Webhooks signing secret. */
  secret: string;
  /** `SANTA_CHAT_NOTIFY_AFTER_MS`: how long a message stays unread before `message.unread`. */
  notifyAfterMs: number;
  /** `SANTA_CHAT_WEBHOOK_PREVIEWS=1`: `message.unread` carries the newest unread message's text. */
  previews: boolean;
  /** First retry after about this long, doubling each time (`SANTA_CHAT_WEBHOOK_RETRY_BASE_MS`). */
  retryBaseMs: number;
  /** How often the relay looks for due notices and events (default 1 s; tests use less). */
  pollMs?: number;
  /** One attempt's timeout (default 10 s). */
  timeoutMs?: number;
}

export const WEBHOOK_DEFAULTS = {
  notifyAfterMs: 300_000,
  minNotifyAfterMs: 1000,
  retryBaseMs: 5000,
  pollMs: 1000,
  timeoutMs: 10_000,
} as const;
