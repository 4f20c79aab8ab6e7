import type { Context } from 'hono';
import { HTTP_STATUS_BY_CODE, type ApiError, type ErrorCode, type Refusal } from '../../../protocol/index.js';
import { ChatError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { RelayMetrics } from '../core/metrics.js';

export function errorBody(code: ErrorCode, message: string, field?: string, reason?: Refusal): ApiError {
  return {
    success: false,
    error: { code, message, ...(field !== undefined ? { field } : {}), ...(reason !== undefined ? { reason } : {}) },
  };
}

/** The one place where anything thrown in a route becomes a response (Hono's `onError`). */
export function createErrorHandler(logger: Logger, metrics: RelayMetrics) {
  return function handleError(error: Error, c: Context): Response {
    if (error instanceof ChatError) {
      metrics.refused(error.code);
      if (error.retryAfterMs !== undefined) c.header('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
      const status = HTTP_STATUS_BY_CODE[error.code] as 400;
      return c.json(errorBody(error.code, error.message, error.field, error.reason), status);
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    metrics.refused('INTERNAL');
    return c.json(errorBody('INTERNAL', 'The relay could not handle this request.'), 500);
  };
}
