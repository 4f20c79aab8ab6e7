import type { ErrorCode } from '../../../protocol/browser.js';

/** `NETWORK`: the relay could not be reached at all (no HTTP answer). */
export type ChatClientErrorCode = ErrorCode | 'NETWORK';

/**
 * What the headless client's promises reject with: a stable `code`, and the HTTP `status` when
 * there was one. (The relay's own `ChatError` is a different thing: a refusal it sends.)
 */
export class ChatClientError extends Error {
  readonly code: ChatClientErrorCode;
  readonly status: number | undefined;

  constructor(code: ChatClientErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'ChatClientError';
    this.code = code;
    this.status = status;
  }
}
