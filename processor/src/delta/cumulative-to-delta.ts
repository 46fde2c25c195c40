// Cumulative → delta for one point, as a pure function of the point and its stream's stored
// state. What it beats in the upstream cumulativetodelta processor: state is persisted (a restart
// loses nothing), the first point of a stream counts only if the stream provably began after
// anything we might already have counted (never a restart spike), and a retried old export that
// arrives late is ignored instead of being taken for a reset.

import type { StreamRow } from '../state/tables.js';

export type DeltaDecision =
  /** Add `delta` (possibly 0) and store `next`. */
  | { readonly kind: 'delta'; readonly delta: number; readonly next: StreamRow }
  /** First sight of a stream whose history may already be counted: remember, count nothing. */
  | { readonly kind: 'baseline'; readonly next: StreamRow }
  /** Older than the newest point seen: already covered by it. */
  | { readonly kind: 'out_of_order' };

export interface CumulativePoint {
  readonly startNs: bigint;
  readonly timeNs: bigint;
  readonly value: number;
}

/**
 * @param countFromNs a new stream's first value counts in full only when its start time is at or
 *   after this instant (the state epoch) — and strictly after `evictedUpToNs`, the latest start
 *   time of any stream evicted from state, which may have been counted before its eviction.
 */
export function cumulativeToDelta(
  point: CumulativePoint,
  prior: StreamRow | undefined,
  thresholds: { readonly countFromNs: bigint; readonly evictedUpToNs: bigint },
  nowMs: number,
): DeltaDecision {
  const next: StreamRow = { startNs: point.startNs, lastTimeNs: point.timeNs, lastValue: point.value, lastSeenMs: nowMs };
  if (prior === undefined) {
    // start == time is a reset at an unknown instant (data model): a baseline, not an increment.
    const provablyNew = point.startNs >= thresholds.countFromNs && point.startNs > thresholds.evictedUpToNs && point.startNs < point.timeNs;
    return provablyNew ? { kind: 'delta', delta: point.value, next } : { kind: 'baseline', next };
  }
  if (point.timeNs < prior.lastTimeNs) return { kind: 'out_of_order' };
  // A falling value under the same start time is a reset from an implicit zero.
  const delta = point.value >= prior.lastValue ? point.value - prior.lastValue : point.value;
  return { kind: 'delta', delta, next };
}
