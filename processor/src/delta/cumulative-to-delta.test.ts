import { describe, expect, it } from 'vitest';
import { cumulativeToDelta } from './cumulative-to-delta.js';

const EPOCH = 1_000n;
const th = { countFromNs: EPOCH, evictedUpToNs: 0n };
const row = (startNs: bigint, lastTimeNs: bigint, lastValue: number) => ({ startNs, lastTimeNs, lastValue, lastSeenMs: 0 });

describe('cumulative to delta', () => {
  it('counts the first value of a stream that started after the state epoch', () => {
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 3_000n, value: 7 }, undefined, th, 5)).toMatchObject({ kind: 'delta', delta: 7 });
  });

  it('takes a stream that started before the epoch as a baseline only', () => {
    expect(cumulativeToDelta({ startNs: 500n, timeNs: 3_000n, value: 7 }, undefined, th, 5).kind).toBe('baseline');
    expect(cumulativeToDelta({ startNs: 0n, timeNs: 3_000n, value: 7 }, undefined, th, 5).kind).toBe('baseline');
  });

  it('takes start == time (reset at an unknown instant) as a baseline', () => {
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 2_000n, value: 7 }, undefined, th, 5).kind).toBe('baseline');
  });

  it('takes a stream starting at or before the eviction watermark as a baseline', () => {
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 3_000n, value: 7 }, undefined, { countFromNs: EPOCH, evictedUpToNs: 2_000n }, 5).kind).toBe('baseline');
  });

  it('subtracts the previous value; a repeated point adds zero', () => {
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 4_000n, value: 10 }, row(2_000n, 3_000n, 7), th, 5)).toMatchObject({ kind: 'delta', delta: 3 });
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 3_000n, value: 7 }, row(2_000n, 3_000n, 7), th, 5)).toMatchObject({ kind: 'delta', delta: 0 });
  });

  it('treats a falling value as a reset from zero', () => {
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 4_000n, value: 2 }, row(2_000n, 3_000n, 7), th, 5)).toMatchObject({ kind: 'delta', delta: 2 });
  });

  it('ignores a point older than the newest one seen (a late retry), leaving state alone', () => {
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 2_500n, value: 5 }, row(2_000n, 3_000n, 7), th, 5).kind).toBe('out_of_order');
  });
});
