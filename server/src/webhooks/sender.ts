/**
 * One delivery attempt: a Standard Webhooks POST, signed by the `standardwebhooks` package
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`), 2xx or not within the timeout.
 */
import { Webhook } from 'standardwebhooks';

export interface AttemptResult {
  delivered: boolean;
  /** The HTTP status, or why there was none: `timeout`, a connection error's code. */
  status: string;
}

export class WebhookSender {
  readonly #url: string;
  readonly #signer: Webhook;
  readonly #timeoutMs: number;

  constructor(url: string, secret: string, timeoutMs: number) {
    this.#url = url;
    this.#signer = new Webhook(secret);
    this.#timeoutMs = timeoutMs;
  }

  /** Never throws: every failure is a result to retry. `abort` ends the attempt early (shutdown). */
  async send(id: string, payload: string, now: Date, abort?: AbortSignal): Promise<AttemptResult> {
    const timestamp = Math.floor(now.getTime() / 1000);
    const signal = abort ? AbortSignal.any([abort, AbortSignal.timeout(this.#timeoutMs)]) : AbortSignal.timeout(this.#timeoutMs);
    try {
      const response = await fetch(this.#url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'santa-chat-relay',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': this.#signer.sign(id, new Date(timestamp * 1000), payload),
        },
        body: payload,
        redirect: 'manual',
        signal,
      });
      // The body is of no use; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      return { delivered: response.status >= 200 && response.status < 300, status: String(response.status) };
    } catch (error) {
      return { delivered: false, status: failureName(error) };
    }
  }
}

function failureName(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return 'network error';
}
