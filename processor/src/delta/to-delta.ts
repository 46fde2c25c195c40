// The to-delta stage: runs inside the request's transaction, turns cumulative points into deltas
// against the stream table, passes delta points through, and keeps the stream table bounded.
// When the table is full, streams not seen for `streamStalenessMs` are evicted, and the eviction
// watermark (latest evicted start time) rises so an evicted stream that comes back is a baseline:
// eviction can lose a stream's unseen increments, but it can never count anything twice.

import type { StateStore } from '../state/state-store.js';
import { META } from '../state/state-identity.js';
import { TEMPORALITY_CUMULATIVE, type FilteredPoint, type DropReason, type RejectReason } from '../privacy/allowlist-filter.js';
import { cumulativeToDelta } from './cumulative-to-delta.js';

export interface DeltaPoint {
  readonly point: FilteredPoint;
  readonly delta: number;
}

export interface ToDeltaResult {
  readonly deltas: DeltaPoint[];
  readonly rejected: Map<RejectReason, number>;
  readonly dropped: Map<DropReason, number>;
  readonly evicted: number;
}

export interface ToDeltaOptions {
  readonly maxStreams: number;
  readonly streamStalenessMs: number;
}

export interface ToDelta {
  /** Must be called inside a store transaction. `epochNs` is the state file's epoch. */
  apply(store: StateStore, epochNs: bigint, points: readonly FilteredPoint[], nowMs: number): ToDeltaResult;
}

export function createToDelta(options: ToDeltaOptions): ToDelta {
  return {
    apply(store, epochNs, points, nowMs) {
      const deltas: DeltaPoint[] = [];
      const rejected = new Map<RejectReason, number>();
      const dropped = new Map<DropReason, number>();
      let evicted = 0;
      // Read inside the transaction: a rolled-back request leaves no stale copy behind.
      let streamCount: number | undefined;
      let evictionTried = false; // once per request: nothing new turns stale mid-request
      let evictedUpToNs = BigInt(store.metadata.get(META.evictedStartNs) ?? '0');
      for (const point of points) {
        if (point.temporality !== TEMPORALITY_CUMULATIVE || point.streamKey === undefined) {
          deltas.push({ point, delta: point.value });
          continue;
        }
        const prior = store.streams.get(point.streamKey);
        if (prior === undefined) {
          streamCount ??= store.streams.count();
          if (streamCount >= options.maxStreams && !evictionTried) {
            evictionTried = true;
            const eviction = store.streams.evictSeenBefore(nowMs - options.streamStalenessMs);
            if (eviction.evicted > 0) {
              evicted += eviction.evicted;
              streamCount -= eviction.evicted;
              if (eviction.maxStartNs !== undefined && eviction.maxStartNs > evictedUpToNs) {
                evictedUpToNs = eviction.maxStartNs;
                store.metadata.set(META.evictedStartNs, evictedUpToNs.toString());
              }
            }
          }
          if (streamCount >= options.maxStreams) {
            rejected.set('stream_limit', (rejected.get('stream_limit') ?? 0) + 1);
            continue;
          }
        }
        const decision = cumulativeToDelta(point, prior, { countFromNs: epochNs, evictedUpToNs }, nowMs);
        if (decision.kind === 'out_of_order') {
          dropped.set('out_of_order', (dropped.get('out_of_order') ?? 0) + 1);
          continue;
        }
        store.streams.put(point.streamKey, decision.next);
        if (prior === undefined && streamCount !== undefined) streamCount++;
        deltas.push({ point, delta: decision.kind === 'delta' ? decision.delta : 0 });
      }
      return { deltas, rejected, dropped, evicted };
    },
  };
}
