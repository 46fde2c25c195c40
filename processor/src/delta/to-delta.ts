// The to-delta stage: runs inside the request's transaction, turns cumulative points into deltas
// against the stream table, passes delta points through, and keeps the stream table bounded.
// When the table is full, streams not seen for `streamStalenessMs` are evicted, and the eviction
// watermark (latest evicted start time) rises so an evicted stream that comes back is a baseline:
// eviction can lose a stream's unseen increments, but it can never count anything twice.
// The stream table is in memory and written through to the transaction (stream-table.ts).
// Fair share: each producer (a keyed hash of its resource attributes) may hold at most
// `maxStreamsPerProducer` streams; its new streams beyond that are rejected (producer_stream_limit)
// so one noisy producer cannot take the budget from the others. Ownership is kept in memory: after
// a restart, loaded streams belong to nobody until evicted, so a producer may briefly hold up to
// twice its share — never more than max_streams in all.
// Time: when our clock reads earlier than the state epoch, the epoch was taken from a clock that
// was ahead; it is lowered to now (still no earlier than the file's real birth) and stored.

import type { StateStore } from '../state/state-store.js';
import { DELTA_NOTICES } from '../state/notice-board.js';
import { lowerStateEpoch } from '../state/state-identity.js';
import { TEMPORALITY_CUMULATIVE, type DeltaPoint, type FilteredPoint, type StreamKey } from '../model/points.js';
import { createTally, type DropReason, type ReasonTally, type RejectReason } from '../model/reasons.js';
import { cumulativeToDelta } from './cumulative-to-delta.js';
import { createStreamTable } from './stream-table.js';

export interface ToDeltaResult {
  readonly deltas: DeltaPoint[];
  /** The request's tally, holding what this stage (and the stages before it) recorded. */
  readonly rejected: ReadonlyMap<RejectReason, number>;
  readonly dropped: ReadonlyMap<DropReason, number>;
  readonly evicted: number;
  /** The epoch was found ahead of our clock and lowered to this (ns); undefined otherwise. */
  readonly epochLoweredToNs: bigint | undefined;
}

export interface ToDeltaOptions {
  readonly maxStreams: number;
  /** Most streams one producer may hold (default: max_streams, i.e. no share). */
  readonly maxStreamsPerProducer?: number;
  readonly streamStalenessMs: number;
}

export interface ToDelta {
  /**
   * Must be called inside a store transaction. `epochNs` is the state file's epoch. Points it
   * rejects or drops are recorded in `tally` (the request's).
   */
  apply(store: StateStore, epochNs: bigint, points: readonly FilteredPoint[], nowMs: number, tally?: ReasonTally): ToDeltaResult;
  /**
   * The transaction that ran apply() failed: forget what it wrote (the stream table is loaded
   * again). Nothing needs doing on success: memory already holds what the transaction wrote.
   */
  rollback(): void;
}

export function createToDelta(options: ToDeltaOptions): ToDelta {
  const streams = createStreamTable();
  let evictedUpToNs: bigint | undefined;
  const perProducerLimit = options.maxStreamsPerProducer ?? options.maxStreams;
  const owners = new Map<StreamKey, StreamKey>();
  const held = new Map<StreamKey, number>();
  let loweredEpochNs: bigint | undefined;
  const release = (key: StreamKey) => {
    const owner = owners.get(key);
    if (owner === undefined) return;
    owners.delete(key);
    const n = (held.get(owner) ?? 1) - 1;
    if (n > 0) held.set(owner, n);
    else held.delete(owner);
  };

  return {
    apply(store, epochNs, points, nowMs, tally = createTally()) {
      const deltas: DeltaPoint[] = [];
      let evicted = 0;
      let evictionTried = false; // once per call: nothing new turns stale mid-request
      if (streams.open(store)) {
        owners.clear();
        held.clear();
      }
      evictedUpToNs ??= DELTA_NOTICES.evictedStartNs.get(store) ?? 0n;
      let epochLoweredToNs: bigint | undefined;
      let countFromNs = loweredEpochNs !== undefined && loweredEpochNs < epochNs ? loweredEpochNs : epochNs;
      const nowNs = BigInt(Math.trunc(nowMs)) * 1_000_000n;
      if (nowNs < countFromNs) {
        countFromNs = nowNs;
        loweredEpochNs = nowNs;
        epochLoweredToNs = nowNs;
        lowerStateEpoch(store, nowNs);
      }
      for (const point of points) {
        if (point.temporality !== TEMPORALITY_CUMULATIVE || point.streamKey === undefined) {
          deltas.push({ point, delta: point.value });
          continue;
        }
        const prior = streams.get(point.streamKey);
        if (prior === undefined) {
          if (streams.size() >= options.maxStreams && !evictionTried) {
            evictionTried = true;
            const eviction = streams.evictSeenBefore(nowMs - options.streamStalenessMs, release);
            evicted += eviction.evicted;
            if (eviction.maxStartNs !== undefined && eviction.maxStartNs > evictedUpToNs) {
              evictedUpToNs = eviction.maxStartNs;
              DELTA_NOTICES.evictedStartNs.set(store, evictedUpToNs);
            }
          }
          if (streams.size() >= options.maxStreams) {
            tally.reject('stream_limit');
            continue;
          }
          if (point.producerKey !== undefined && (held.get(point.producerKey) ?? 0) >= perProducerLimit) {
            tally.reject('producer_stream_limit');
            continue;
          }
        }
        const decision = cumulativeToDelta(point, prior, { countFromNs, evictedUpToNs }, nowMs);
        if (decision.kind === 'out_of_order' || decision.kind === 'conflict') {
          tally.drop(decision.kind);
          continue;
        }
        if (prior === undefined && point.producerKey !== undefined) {
          owners.set(point.streamKey, point.producerKey);
          held.set(point.producerKey, (held.get(point.producerKey) ?? 0) + 1);
        }
        streams.set(point.streamKey, decision.next);
        deltas.push({ point, delta: decision.kind === 'delta' ? decision.delta : 0 });
      }
      streams.flush(store);
      return { deltas, rejected: tally.rejected, dropped: tally.dropped, evicted, epochLoweredToNs };
    },
    rollback() {
      // The state file may have been closed and reopened: nothing in memory is trusted any more.
      streams.rollback();
      evictedUpToNs = undefined;
      loweredEpochNs = undefined;
    },
  };
}
