// Every error the receiver answers with, by stable code. The HTTP error handler is the only place
// that turns these into responses; docs/errors.md ("Receiver") lists every code and a test keeps
// the two in sync. A code never changes meaning once released.

export const RECEIVER_ERRORS = {
  unsupported_media_type: { status: 415, message: 'Content-Type must be application/json' },
  payload_too_large: { status: 413, message: 'request body is larger than the limit' },
  invalid_json: { status: 400, message: 'request body is not valid JSON' },
  invalid_encoding: { status: 400, message: 'request body is not valid data of its Content-Encoding' },
  invalid_url_encoding: { status: 400, message: 'request path or query has invalid %-encoding' },
  request_timeout: { status: 408, message: 'request body did not arrive in time' },
  schema_violation: { status: 400, message: 'report does not match the daily report schema' },
  unsupported_schema_version: { status: 400, message: 'report schema version is newer than this receiver accepts; keep it and retry later' },
  invalid_window: { status: 400, message: 'report window is not aligned or not one window long' },
  window_in_future: { status: 400, message: 'report window ends in the future' },
  window_too_old: { status: 400, message: 'report window ended longer ago than the accepted age' },
  stack_blocked: { status: 403, message: 'reports from this stack id are refused' },
  window_report_limit: { status: 409, message: 'this stack id already sent the maximum number of reports for this window' },
  rate_limited: { status: 429, message: 'too many requests; retry after the Retry-After delay' },
  ingest_key_required: { status: 401, message: 'this receiver takes reports only with a valid ingest key (Authorization: Bearer)' },
  unauthorized: { status: 401, message: 'an Authorization: Bearer token is required' },
  forbidden: { status: 403, message: 'the bearer token is not valid' },
  stats_api_disabled: { status: 404, message: 'the stats API is off (LUNADEFEND_ADMIN_TOKEN is not set)' },
  invalid_query: { status: 400, message: 'query parameters are missing or invalid' },
  unknown_cohort: { status: 400, message: 'cohort must be all or public' },
  invalid_request: { status: 400, message: 'request is invalid' },
  not_found: { status: 404, message: 'no such resource' },
  log_disabled: { status: 404, message: 'this receiver signs no checkpoints (LUNADEFEND_LOG_KEY_FILE is not set)' },
  leaf_not_found: { status: 404, message: 'no leaf with this hash in the log at this tree size' },
  storage_unavailable: { status: 503, message: 'storage is unavailable; retry later' },
  internal_error: { status: 500, message: 'internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ReceiverErrorCode = keyof typeof RECEIVER_ERRORS;

export const RECEIVER_ERROR_CODES = Object.freeze(Object.keys(RECEIVER_ERRORS) as ReceiverErrorCode[]);

/** One problem with the request, e.g. a JSON pointer and what is wrong there. */
export interface ErrorDetail {
  readonly path?: string;
  readonly message: string;
}

export class ReceiverError extends Error {
  readonly status: number;

  constructor(
    readonly code: ReceiverErrorCode,
    readonly details: readonly ErrorDetail[] = [],
    /** Seconds for the Retry-After header (429, 503). */
    readonly retryAfterS?: number,
    /** What went wrong underneath (logged for 5xx answers, never sent). */
    cause?: unknown,
  ) {
    super(RECEIVER_ERRORS[code].message, cause === undefined ? undefined : { cause });
    this.name = 'ReceiverError';
    this.status = RECEIVER_ERRORS[code].status;
  }
}

/** The JSON body of an error response. */
export function errorBody(error: ReceiverError): { error: ReceiverErrorCode; message: string; details: readonly ErrorDetail[] } {
  return { error: error.code, message: error.message, details: error.details };
}

/** Runs a storage call; a failure becomes 503 storage_unavailable with Retry-After. */
export async function fromStorage<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new ReceiverError('storage_unavailable', [], 5, error);
  }
}
