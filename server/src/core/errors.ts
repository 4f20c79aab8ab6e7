import type { ErrorCode, Refusal } from '../../../protocol/index.js';

/**
 * A refusal the client caused and can be told about: HTTP turns it into an error body with
 * the code's status, the socket into an `ERROR` frame. Anything else that is thrown is a bug
 * and surfaces as `INTERNAL`.
 */
export class ChatError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** Why a token or an origin was refused (protocol/refusals.ts); the body's `error.reason`. */
  readonly reason: Refusal | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details: { field?: string; retryAfterMs?: number; reason?: Refusal } = {},
  ) {
    super(message);
    this.name = 'ChatError';
    this.code = code;
    this.field = details.field;
    this.retryAfterMs = details.retryAfterMs;
    this.reason = details.reason;
  }
}

/** One wording for every "not yours" so ids cannot be probed (docs/protocol.md §2). */
export function notAParticipant(): ChatError {
  return new ChatError('FORBIDDEN', 'You are not a participant of this conversation, or it is closed.');
}

/** A setting the relay cannot start with; the message is one sentence naming what to change. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
