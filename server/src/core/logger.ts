import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Message content and tokens are never passed to the logger; the
 * redact list is a second line of defence for fields that could carry them by mistake.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'santa-chat-relay' },
    redact: { paths: ['token', 'content', '*.token', '*.content', 'authorization', '*.authorization'], censor: '[redacted]' },
  });
}
