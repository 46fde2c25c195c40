// The points that pass between the stages after the privacy filter: a filtered point carries only
// the few facts later stages may see, and a delta point is one such point with the amount it adds
// to its window. Stream keys are opaque keyed hashes (privacy/stream-key.ts computes them).

import type { ReportKey } from '@lunadefend/config';

export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;

export const STREAM_KEY_BYTES = 16;

/** A stream key: STREAM_KEY_BYTES bytes as a latin1 string (one char per byte), cheap to map. */
export type StreamKey = string;

export interface FilteredPoint {
  readonly reportKey: ReportKey;
  readonly temporality: typeof TEMPORALITY_DELTA | typeof TEMPORALITY_CUMULATIVE;
  /** Present for cumulative points only: they are the ones whose history matters. */
  readonly streamKey: StreamKey | undefined;
  /** Present with streamKey: a keyed hash of the resource attributes (the producer's share of stream state). */
  readonly producerKey: StreamKey | undefined;
  readonly startNs: bigint;
  readonly timeNs: bigint;
  readonly value: number;
  readonly version: string;
  readonly stackId: string;
}

export interface DeltaPoint {
  readonly point: FilteredPoint;
  readonly delta: number;
}
