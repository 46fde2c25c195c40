// The to-delta stage: runs inside the request's transaction, turns cumulative points into deltas
// against the stream table, passes delta points through, and keeps the stream table bounded.
// When the table is full, streams not seen for `streamStalenessMs` are evicted, and the eviction
// watermark (latest evicted start time) rises so an evicted stream that comes back is a baseline:
// eviction can lose a stream's unseen increments, but it can never count anything twice.
// The stream table is in memory and written through to the transaction (stream-table.ts).

import type { StateStore } from '../state/state-store.js';
import { META } from '../state/state-identity.js';
import { TEMPORALITY_CUMULATIVE, type FilteredPoint, type DropReason, type RejectReason } from '../privacy/allowlist-filter.js';
import { cumulativeToDelta } from './cumulative-to-delta.js';
import { createStreamTable } from './stream-table.js';

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
  /**
   * The transaction that ran apply() failed: forget what it wrote (the stream table is loaded
   * again). Nothing needs doing on success: memory already holds what the transaction wrote.
   */
  rollback(): void;
}

export function createToDelta(options: ToDeltaOptions): ToDelta {
  const streams = createStreamTable();
  let evictedUpToNs: bigint | undefined;

  return {
    apply(store, epochNs, points, nowMs) {
      const deltas: DeltaPoint[] = [];
      const rejected = new Map<RejectReason, number>();
      const dropped = new Map<DropReason, number>();
      let evicted = 0;
      let evictionTried = false; // once per call: nothing new turns stale mid-request
      streams.open(store);
      evictedUpToNs ??= BigInt(store.metadata.get(META.evictedStartNs) ?? '0');
      for (const point of points) {
        if (point.temporality !== TEMPORALITY_CUMULATIVE || point.streamKey === undefined) {
          deltas.push({ point, delta: point.value });
          continue;
        }
        const prior = streams.get(point.streamKey);
        if (prior === undefined) {
          if (streams.size() >= options.maxStreams && !evictionTried) {
            evictionTried = true;
            const eviction = streams.evictSeenBefore(nowMs - options.streamStalenessMs);
            evicted += eviction.evicted;
            if (eviction.maxStartNs !== undefined && eviction.maxStartNs > evictedUpToNs) {
              evictedUpToNs = eviction.maxStartNs;
              store.metadata.set(META.evictedStartNs, evictedUpToNs.toString());
            }
          }
          if (streams.size() >= options.maxStreams) {
            rejected.set('stream_limit', (rejected.get('stream_limit') ?? 0) + 1);
            continue;
          }
        }
        const decision = cumulativeToDelta(point, prior, { countFromNs: epochNs, evictedUpToNs }, nowMs);
        if (decision.kind === 'out_of_order') {
          dropped.set('out_of_order', (dropped.get('out_of_order') ?? 0) + 1);
          continue;
        }
        streams.set(point.streamKey, decision.next);
        deltas.push({ point, delta: decision.kind === 'delta' ? decision.delta : 0 });
      }
      streams.flush(store);
      return { deltas, rejected, dropped, evicted };
    },
    rollback() {
      // The state file may have been closed and reopened: nothing in memory is trusted any more.
      streams.rollback();
      evictedUpToNs = undefined;
    },
  };
}
