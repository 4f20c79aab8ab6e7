import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Message content and tokens are never passed to the logger; the
 * redact list is a second line of defence for fields that could carry them by mistake.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'santa-chat-relay' },
    redact: { paths: ['token', 'content', '*.token', '*.content', 'authorization', '*.authorization'], censor: '[redacted]' },
  };
  // `destination`: where tests read the lines; by default stdout.
  return destination === undefined ? pino(options) : pino(options, destination);
}
