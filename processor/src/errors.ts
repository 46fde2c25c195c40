// Every error the collector reports, with a stable code, classified once: retryable errors are
// tried again later (by us or by the client), permanent ones are not. docs/errors.md lists the
// codes ("Collector" section) and errors.test.ts keeps that table and this one in sync.

export const COLLECTOR_ERRORS = {
  CONFIG_INVALID: { retryable: false, summary: 'The configuration file is invalid; the message names the key.' },
  STACK_ID_INVALID: { retryable: false, summary: 'LUNADEFEND_STACK_ID is set but is not a UUID v4.' },
  LISTEN_FAILED: { retryable: false, summary: 'A listening socket (OTLP, health, metrics) could not be bound at start-up.' },
  STATE_UNAVAILABLE: {
    retryable: true,
    summary: 'The state file cannot be opened or written (directory missing, unwritable or full); OTLP requests get 503 + Retry-After until it recovers.',
  },
  STATE_TOO_NEW: { retryable: false, summary: 'The state file was written by a newer collector (unknown migration version).' },
  STATE_CORRUPT: {
    retryable: false,
    summary: 'The state file is empty (0 bytes), not a SQLite database, or fails its integrity check (at start-up, or after a failed transaction while running); it is never replaced automatically.',
  },
  STATE_UNREADABLE: { retryable: false, summary: 'The state file exists but the collector cannot read and write it (permissions).' },
  STATE_LOCKED: { retryable: false, summary: 'Another running collector holds the state directory; the message names its pid and host.' },
  EXPORT_NETWORK: { retryable: true, summary: 'The report endpoint could not be reached (connection refused, reset, DNS).' },
  EXPORT_TIMEOUT: { retryable: true, summary: 'A report send took longer than exporters.lunadefend.timeout.' },
  EXPORT_THROTTLED: { retryable: true, summary: 'The receiver answered 429 or 5xx; the report is retried with backoff, honouring Retry-After.' },
  EXPORT_WINDOW_IN_FUTURE: {
    retryable: true,
    summary: "The receiver answered 400 window_in_future: our clock is ahead of the receiver's. The report is retried with backoff, never dead-lettered.",
  },
  EXPORT_NOT_RECORDED: {
    retryable: true,
    summary: 'A send finished but its outcome could not be written to the state file; the report is held back with backoff and sent again (the receiver removes the duplicate).',
  },
  EXPORT_SCHEMA_VERSION: {
    retryable: true,
    summary: 'The receiver does not accept this report schema version yet (it is older than the collector); the report is kept and retried with backoff.',
  },
  EXPORT_REJECTED: { retryable: false, summary: 'The receiver answered another 4xx; the report moves to the dead-letter table with the error.' },
  REPORT_EXPIRED: { retryable: false, summary: 'A report was not delivered within retry_on_failure.max_age after its window ended; it is dropped and counted.' },
  REPORT_INVALID: { retryable: false, summary: 'A sealed report failed the report schema; it is dead-lettered instead of sent (a bug, never expected).' },
  LOG_UNREACHABLE: { retryable: true, summary: "verify: the receiver's transparency log could not be read." },
  LOG_KEY_MISMATCH: { retryable: false, summary: 'verify: the checkpoint is not signed by the pinned (or first-trusted) log key.' },
  LOG_INCONSISTENT: { retryable: false, summary: 'verify: the latest checkpoint does not extend the one verified before (a forked or rewritten log).' },
  REPORT_NOT_IN_LOG: { retryable: false, summary: "verify: a report with a receipt is not in the receiver's log." },
  RECEIPT_MISMATCH: { retryable: false, summary: 'verify: a receipt does not name the hash of the bytes sent.' },
  PROOF_INVALID: { retryable: false, summary: "verify: an inclusion proof does not lead to the checkpoint's root." },
} as const satisfies Readonly<Record<string, { retryable: boolean; summary: string }>>;

export type CollectorErrorCode = keyof typeof COLLECTOR_ERRORS;

export class CollectorError extends Error {
  readonly code: CollectorErrorCode;
  constructor(code: CollectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CollectorError';
    this.code = code;
  }
}

/** Whether an error with this code is worth trying again. */
export function isRetryable(code: CollectorErrorCode): boolean {
  return COLLECTOR_ERRORS[code].retryable;
}
