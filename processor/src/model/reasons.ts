// Why the collector refused or left out what it was sent: the closed sets of reasons every stage
// speaks in, and the one tally they record into. A stage decides a reason and records it here,
// once; the consumer that ran the stages counts the tally into its own metrics after the commit
// (telemetry/own-metrics.ts), so nothing merges maps by hand and nothing is counted twice.
// Each reason is a label of the collector's own metrics; docs/errors.md lists each.

/** Why a point was refused back to the client (partial_success). */
export const REJECT_REASONS = [
  'no_value',
  'not_finite',
  'non_integer',
  'negative_value',
  'missing_time',
  'unspecified_temporality',
  'missing_version',
  'invalid_version',
  'invalid_stack_id',
  'stream_limit',
  'producer_stream_limit',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Why a valid point was left out without telling the client. */
export const DROP_REASONS = ['not_in_catalog', 'not_monotonic_sum', 'no_recorded_value', 'out_of_order', 'conflict', 'legacy_otlp', 'telemetry_off'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Why the intake refused a whole request. */
export type IntakeRefusal =
  | 'method_not_allowed' // 405
  | 'unsupported_media_type' // 415
  | 'malformed' // 400: undecodable body, bad gzip, wrong types
  | 'request_timeout' // 408: headers and body not complete within the request timeout
  | 'too_large' // 413: over max_request_body_size after decompression
  | 'unavailable' // 503: state not writable
  | 'not_found'; // 404: any path but /v1/metrics

/** The points of one request that were rejected or dropped, by reason. */
export interface ReasonTally {
  readonly rejected: ReadonlyMap<RejectReason, number>;
  readonly dropped: ReadonlyMap<DropReason, number>;
  reject(reason: RejectReason, points?: number): void;
  drop(reason: DropReason, points?: number): void;
  /** Points rejected for any reason: the client's rejectedDataPoints. */
  rejectedTotal(): number;
}

export function createTally(): ReasonTally {
  const rejected = new Map<RejectReason, number>();
  const dropped = new Map<DropReason, number>();
  let rejectedPoints = 0;
  return {
    rejected,
    dropped,
    reject(reason, points = 1) {
      if (points <= 0) return;
      rejected.set(reason, (rejected.get(reason) ?? 0) + points);
      rejectedPoints += points;
    },
    drop(reason, points = 1) {
      if (points > 0) dropped.set(reason, (dropped.get(reason) ?? 0) + points);
    },
    rejectedTotal: () => rejectedPoints,
  };
}

/** "3 points rejected: 2 missing_version, 1 negative_value" — reasons and counts only, no content. */
export function describeRejections(rejected: ReadonlyMap<RejectReason, number>): string {
  if (rejected.size === 0) return '';
  const total = [...rejected.values()].reduce((a, b) => a + b, 0);
  const parts = [...rejected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([reason, n]) => `${n} ${reason}`);
  return `${total} data point${total === 1 ? '' : 's'} rejected: ${parts.join(', ')}`;
}
