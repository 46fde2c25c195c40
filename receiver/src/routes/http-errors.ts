// The one HTTP error handler: every failure becomes JSON {error, message, details} with the status
// of its stable code. Body-parser and URL-decoding failures are classified here. Only 5xx are
// logged, with the error's name and message — never the request body, headers or client address —
// and at most one line per code and interval, with the count of the ones left out.

import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ReceiverError, errorBody, type ReceiverErrorCode } from '../errors.js';
import { createErrorLogThrottle } from './error-log-throttle.js';

/** One log line per error code per interval at most. */
export const ERROR_LOG_INTERVAL_MS = 10_000;

const BODY_PARSER_CODES: Readonly<Record<string, ReceiverErrorCode>> = {
  'entity.too.large': 'payload_too_large',
  'entity.parse.failed': 'invalid_json',
  'encoding.unsupported': 'unsupported_media_type',
  'charset.unsupported': 'unsupported_media_type',
};

function classify(error: unknown): ReceiverError {
  if (error instanceof ReceiverError) return error;
  // The router's decoding of a path parameter ("/dashboard/assets/%") fails with a URIError.
  if (error instanceof URIError) return new ReceiverError('invalid_url_encoding');
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type === 'string') {
    const code = BODY_PARSER_CODES[type];
    if (code !== undefined) return new ReceiverError(code);
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return new ReceiverError('invalid_request');
  }
  return new ReceiverError('internal_error', [], undefined, error);
}

export function notFoundHandler(): RequestHandler {
  return () => {
    throw new ReceiverError('not_found');
  };
}

export function errorHandler(logger: Logger, intervalMs: number = ERROR_LOG_INTERVAL_MS, nowMs: () => number = Date.now): ErrorRequestHandler {
  const throttle = createErrorLogThrottle({ intervalMs, nowMs });
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const classified = classify(error);
    const skipped = classified.status >= 500 ? throttle.admit(classified.code) : undefined;
    if (skipped !== undefined) {
      const cause = classified.cause instanceof Error ? classified.cause : undefined;
      logger.error(
        { code: classified.code, error: cause?.name, reason: cause?.message, ...(skipped > 0 ? { skipped } : {}) },
        'receiver: request failed',
      );
    }
    res.locals.errorCode = classified.code;
    if (classified.retryAfterS !== undefined) res.set('Retry-After', String(classified.retryAfterS));
    res.status(classified.status).json(errorBody(classified));
  };
}
