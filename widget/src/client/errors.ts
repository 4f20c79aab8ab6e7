import type { ErrorCode } from '../../../protocol/browser.js';

/** `NETWORK`: the relay could not be reached at all (no HTTP answer). */
export type ChatErrorCode = ErrorCode | 'NETWORK';

/** What the client's promises reject with: a stable `code`, and the HTTP `status` when there was one. */
export class ChatError extends Error {
  readonly code: ChatErrorCode;
  readonly status: number | undefined;

  constructor(code: ChatErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'ChatError';
    this.code = code;
    this.status = status;
  }
}
