// The checks a JSON Schema cannot express, run after schema validation: the window is aligned and
// one window long (shared with the collector via @lunadefend/config), does not end in the future
// beyond the allowed clock skew, and did not end longer ago than the accepted report age.

import { checkReportWindow, parseUtcTimestamp, type ReportWindow } from '@lunadefend/config';
import { ReceiverError } from '../errors.js';

export interface WindowPolicy {
  readonly windowMs: number;
  readonly clockSkewMs: number;
  readonly maxReportAgeMs: number;
}

/** Throws the ReceiverError for the first failing check. */
export function assertWindowAcceptable(window: ReportWindow, policy: WindowPolicy, nowMs: number): void {
  const issues = checkReportWindow(window, policy.windowMs);
  if (issues.length > 0) throw new ReceiverError('invalid_window', issues);
  const endMs = parseUtcTimestamp(window.end)!;
  if (endMs > nowMs + policy.clockSkewMs) {
    throw new ReceiverError('window_in_future', [
      { path: '/window/end', message: `is more than ${policy.clockSkewMs} ms after the receiver's clock` },
    ]);
  }
  if (endMs < nowMs - policy.maxReportAgeMs) {
    throw new ReceiverError('window_too_old', [
      { path: '/window/end', message: `is more than ${policy.maxReportAgeMs} ms before the receiver's clock` },
    ]);
  }
}
