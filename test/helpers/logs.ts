/**
 * A relay logger whose lines a test can read: pass `logs.logger` as the relay's `logger`
 * (`startTestRelay({ logger })`, `createTestApp({ logger })`), then look at `logs.lines`. Same
 * redaction as the relay's own logger (`createLogger`).
 */
import { createLogger, type Logger } from '../../server/src/core/logger.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface CapturedLogs {
  logger: Logger;
  readonly lines: LogLine[];
  /** The lines at `level` ('info', 'warn', ...) whose fields include `fields`. */
  find(level: 'debug' | 'info' | 'warn' | 'error', fields?: Record<string, unknown>): LogLine[];
}

export function captureLogs(level = 'info'): CapturedLogs {
  const lines: LogLine[] = [];
  // A plain object with `write` is a synchronous destination: a line is readable once logged.
  const logger = createLogger(level, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return {
    logger,
    lines,
    find(wanted, fields = {}) {
      const value = logger.levels.values[wanted];
      return lines.filter(
        (line) => line.level === value && Object.entries(fields).every(([key, expected]) => line[key] === expected),
      );
    },
  };
}
