// The contract the report exporter sends through, and what a send can come to. Two transports
// meet it: HTTP to the receiver (http-transport.ts) and, in `local` mode, the ledger alone
// (ledger-only-transport.ts). Whether a failure is tried again is never decided here or in a
// transport: it is the error table's `isRetryable()` (errors.ts), applied by sendFailed().

import type { Receipt } from '@lunadefend/config';
import { isRetryable, type CollectorErrorCode } from '../errors.js';

/** What every answer carries beside its outcome: the receiver's Date header, for clock skew. */
interface Answered {
  readonly serverDate?: string | undefined;
}

/** How a delivered report is written to the ledger: accepted, duplicate (the receiver had it), or local (never sent). */
export type DeliveredOutcome = 'accepted' | 'duplicate' | 'local';

export type SendResult =
  /** `receipt`: where the receiver's transparency log holds the report, when it answered with one. */
  | ({ readonly kind: 'delivered'; readonly outcome: DeliveredOutcome; readonly status: number | null; readonly receipt?: Receipt | undefined } & Answered)
  | ({ readonly kind: 'retryable'; readonly code: CollectorErrorCode; readonly status: number | null; readonly retryAfter: string | undefined; readonly detail: string } & Answered)
  | ({ readonly kind: 'rejected'; readonly code: CollectorErrorCode; readonly status: number | null; readonly error: string } & Answered);

export interface ReportTransport {
  /** Never throws: every outcome is a SendResult. */
  send(body: string): Promise<SendResult>;
}

export interface SendFailure {
  readonly code: CollectorErrorCode;
  readonly status: number | null;
  readonly retryAfter?: string | undefined;
  /** Why, bounded; for a rejection this is the error kept with the dead letter. */
  readonly detail: string;
  readonly serverDate?: string | undefined;
}

/** A failed send, made retryable or rejected by the error table. */
export function sendFailed(failure: SendFailure): SendResult {
  const { code, status, detail, serverDate } = failure;
  if (isRetryable(code)) return { kind: 'retryable', code, status, retryAfter: failure.retryAfter, detail, serverDate };
  return { kind: 'rejected', code, status, error: detail, serverDate };
}
