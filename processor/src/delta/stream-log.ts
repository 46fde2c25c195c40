// The format of one stream-log row (stream-table.ts): the streams one request changed, as a
// single blob — a format byte, then per stream its key (16 bytes), start and last time (int64
// nanoseconds), last value and last sighting (float64: values are integers within ±2^53, which a
// double holds exactly). No attribute value is in it, only the keyed hash.

import { STREAM_KEY_BYTES, type StreamKey } from '../model/points.js';
import type { StreamRow } from '../model/rows.js';

const FORMAT = 1;
const ENTRY_BYTES = STREAM_KEY_BYTES + 32;

export function encodeStreamLog(changes: ReadonlyMap<StreamKey, StreamRow>): Buffer {
  const blob = Buffer.allocUnsafe(1 + changes.size * ENTRY_BYTES);
  blob[0] = FORMAT;
  let at = 1;
  for (const [key, row] of changes) {
    blob.write(key, at, STREAM_KEY_BYTES, 'latin1');
    blob.writeBigInt64LE(row.startNs, at + 16);
    blob.writeBigInt64LE(row.lastTimeNs, at + 24);
    blob.writeDoubleLE(row.lastValue, at + 32);
    blob.writeDoubleLE(row.lastSeenMs, at + 40);
    at += ENTRY_BYTES;
  }
  return blob;
}

/** Calls `apply` for each stream in the blob, in order; returns how many there were. */
export function decodeStreamLog(blob: Buffer, apply: (key: StreamKey, row: StreamRow) => void): number {
  if (blob[0] !== FORMAT || (blob.length - 1) % ENTRY_BYTES !== 0) throw new Error('stream log: unknown entry format');
  let n = 0;
  for (let at = 1; at < blob.length; at += ENTRY_BYTES) {
    apply(blob.toString('latin1', at, at + STREAM_KEY_BYTES), {
      startNs: blob.readBigInt64LE(at + 16),
      lastTimeNs: blob.readBigInt64LE(at + 24),
      lastValue: blob.readDoubleLE(at + 32),
      lastSeenMs: blob.readDoubleLE(at + 40),
    });
    n++;
  }
  return n;
}
