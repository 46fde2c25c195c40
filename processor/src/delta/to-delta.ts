// The to-delta stage: runs inside the request's transaction, turns cumulative points into deltas
// against the stream table, passes delta points through, and keeps the stream table bounded.
// When the table is full, streams not seen for `streamStalenessMs` are evicted, and the eviction
// watermark (latest evicted start time) rises so an evicted stream that comes back is a baseline:
// eviction can lose a stream's unseen increments, but it can never count anything twice.
// Stream rows are also kept in memory (bounded by max_streams) so the hot path reads no SQLite;
// the memory copy only ever takes what a transaction committed (commit()/rollback()).

import type { StateStore } from '../state/state-store.js';
import { META } from '../state/state-identity.js';
import type { StreamRow } from '../state/tables.js';
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
  /** The transaction that ran apply() committed: its stream rows become the cached truth. */
  commit(): void;
  /** The transaction failed: forget what it wrote. */
  rollback(): void;
}

export function createToDelta(options: ToDeltaOptions): ToDelta {
  // Committed rows by key (latin1 string of the key bytes), and the open transaction's writes.
  let cache = new Map<string, StreamRow>();
  let pending = new Map<string, StreamRow>();
  let streamCount: number | undefined;
  let pendingCount: number | undefined;
  let evictedUpToNs: bigint | undefined;
  let pendingEvictedUpToNs: bigint | undefined;
  let evictedInTransaction = false;

  const read = (store: StateStore, key: Buffer, id: string): StreamRow | undefined => {
    const own = pending.get(id);
    if (own !== undefined) return own;
    // After an eviction in this transaction the cache may hold deleted rows: ask SQLite.
    if (!evictedInTransaction) {
      const cached = cache.get(id);
      if (cached !== undefined) return cached;
    }
    return store.streams.get(key);
  };

  return {
    apply(store, epochNs, points, nowMs) {
      const deltas: DeltaPoint[] = [];
      const rejected = new Map<RejectReason, number>();
      const dropped = new Map<DropReason, number>();
      let evicted = 0;
      let evictionTried = false; // once per call: nothing new turns stale mid-request
      pendingEvictedUpToNs ??= evictedUpToNs ?? BigInt(store.metadata.get(META.evictedStartNs) ?? '0');
      for (const point of points) {
        if (point.temporality !== TEMPORALITY_CUMULATIVE || point.streamKey === undefined) {
          deltas.push({ point, delta: point.value });
          continue;
        }
        const id = point.streamKey.toString('latin1');
        const prior = read(store, point.streamKey, id);
        if (prior === undefined) {
          pendingCount ??= streamCount ?? store.streams.count();
          if (pendingCount >= options.maxStreams && !evictionTried) {
            evictionTried = true;
            const eviction = store.streams.evictSeenBefore(nowMs - options.streamStalenessMs);
            if (eviction.evicted > 0) {
              evictedInTransaction = true;
              evicted += eviction.evicted;
              pendingCount = store.streams.count();
              if (eviction.maxStartNs !== undefined && eviction.maxStartNs > pendingEvictedUpToNs) {
                pendingEvictedUpToNs = eviction.maxStartNs;
                store.metadata.set(META.evictedStartNs, pendingEvictedUpToNs.toString());
              }
            }
          }
          if (pendingCount >= options.maxStreams) {
            rejected.set('stream_limit', (rejected.get('stream_limit') ?? 0) + 1);
            continue;
          }
        }
        const decision = cumulativeToDelta(point, prior, { countFromNs: epochNs, evictedUpToNs: pendingEvictedUpToNs }, nowMs);
        if (decision.kind === 'out_of_order') {
          dropped.set('out_of_order', (dropped.get('out_of_order') ?? 0) + 1);
          continue;
        }
        if (prior === undefined) store.streams.insert(point.streamKey, decision.next);
        else store.streams.update(point.streamKey, decision.next);
        if (prior === undefined && pendingCount !== undefined) pendingCount++;
        pending.set(id, decision.next);
        deltas.push({ point, delta: decision.kind === 'delta' ? decision.delta : 0 });
      }
      return { deltas, rejected, dropped, evicted };
    },
    commit() {
      if (evictedInTransaction) {
        cache = new Map(); // evicted rows are gone from SQLite; refill lazily
      }
      for (const [id, row] of pending) cache.set(id, row);
      if (pendingCount !== undefined) streamCount = pendingCount;
      if (pendingEvictedUpToNs !== undefined) evictedUpToNs = pendingEvictedUpToNs;
      pending = new Map();
      pendingCount = undefined;
      pendingEvictedUpToNs = undefined;
      evictedInTransaction = false;
    },
    rollback() {
      // The state file may have been closed and reopened: nothing cached is trusted any more.
      cache = new Map();
      pending = new Map();
      streamCount = undefined;
      pendingCount = undefined;
      evictedUpToNs = undefined;
      pendingEvictedUpToNs = undefined;
      evictedInTransaction = false;
    },
  };
}
