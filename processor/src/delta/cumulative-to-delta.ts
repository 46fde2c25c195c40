// Cumulative → delta for one point, as a pure function of the point and its stream's stored
// state. What it beats in the upstream cumulativetodelta processor: state is persisted (a restart
// loses nothing), the first point of a stream counts only if the stream provably began after
// anything we might already have counted (never a restart spike), a retried old export that
// arrives late is ignored instead of being taken for a reset, and a second, different value for
// the very same (start, time) is a conflict — ignored — not a reset that would count it again.

import type { StreamRow } from '../model/rows.js';

export type DeltaDecision =
  /** Add `delta` (possibly 0) and store `next`. */
  | { readonly kind: 'delta'; readonly delta: number; readonly next: StreamRow }
  /** First sight of a stream whose history may already be counted: remember, count nothing. */
  | { readonly kind: 'baseline'; readonly next: StreamRow }
  /** Older than the newest point seen: already covered by it. */
  | { readonly kind: 'out_of_order' }
  /** Same start and time as the newest point seen, another value: two writers, or a bad exporter. */
  | { readonly kind: 'conflict' };

export interface CumulativePoint {
  readonly startNs: bigint;
  readonly timeNs: bigint;
  readonly value: number;
}

/**
 * How far a point's time may sit from our clock and still be taken as "now" on the producer's
 * clock. Within it, a stream's start is read as its age (time − start, one clock, no skew) before
 * our receipt; beyond it the point is a replay of old data and only its start time is compared.
 */
export const FRESH_POINT_MAX_GAP_NS = 7n * 86_400_000_000_000n;

/**
 * @param countFromNs a new stream's first value counts in full only when it began at or after
 *   this instant (the state epoch, on our clock) — and strictly after `evictedUpToNs`, the latest
 *   start time of any stream evicted from state, which may have been counted before its eviction.
 * @param nowMs when we received the point, on our clock.
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
    // After the epoch by the producer's clock, or by ours (its age before our receipt): a clock
    // ahead on either side must not turn a new stream into a baseline.
    const afterEpoch = point.startNs >= thresholds.countFromNs || startedOnOurClockNs(point, nowMs) >= thresholds.countFromNs;
    const provablyNew = afterEpoch && point.startNs > thresholds.evictedUpToNs && point.startNs < point.timeNs;
    return provablyNew ? { kind: 'delta', delta: point.value, next } : { kind: 'baseline', next };
  }
  if (point.timeNs < prior.lastTimeNs) return { kind: 'out_of_order' };
  if (point.timeNs === prior.lastTimeNs && point.startNs === prior.startNs && point.value !== prior.lastValue) return { kind: 'conflict' };
  // A falling value under the same start time is a reset from an implicit zero.
  const delta = point.value >= prior.lastValue ? point.value - prior.lastValue : point.value;
  return { kind: 'delta', delta, next };
}

/**
 * When the stream began, on our clock. A fresh point's time is the producer's "now", so its start
 * is `age` before our receipt whatever the two clocks read: a producer (or a collector) hours or
 * days off does not turn new streams into baselines, nor old ones into new.
 */
export function startedOnOurClockNs(point: CumulativePoint, nowMs: number): bigint {
  const nowNs = BigInt(Math.trunc(nowMs)) * 1_000_000n;
  const gap = nowNs > point.timeNs ? nowNs - point.timeNs : point.timeNs - nowNs;
  if (gap > FRESH_POINT_MAX_GAP_NS) return point.startNs;
  return nowNs - (point.timeNs - point.startNs);
}
