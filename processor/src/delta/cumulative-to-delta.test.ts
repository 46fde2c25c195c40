import { describe, expect, it } from 'vitest';
import { cumulativeToDelta, startedOnOurClockNs } from './cumulative-to-delta.js';

const EPOCH = 1_000n;
const th = { countFromNs: EPOCH, evictedUpToNs: 0n };
const row = (startNs: bigint, lastTimeNs: bigint, lastValue: number) => ({ startNs, lastTimeNs, lastValue, lastSeenMs: 0 });

describe('cumulative to delta', () => {
  it('counts the first value of a stream that started after the state epoch', () => {
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 3_000n, value: 7 }, undefined, th, 5)).toMatchObject({ kind: 'delta', delta: 7 });
  });

  it('takes a stream that started before the epoch as a baseline only', () => {
    expect(cumulativeToDelta({ startNs: 500n, timeNs: 3_000n, value: 7 }, undefined, th, 0).kind).toBe('baseline');
    expect(cumulativeToDelta({ startNs: 0n, timeNs: 3_000n, value: 7 }, undefined, th, 0).kind).toBe('baseline');
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

  it('ignores a second, different value for the same start and time: a conflict, not a reset', () => {
    const prior = row(2_000n, 3_000n, 456);
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 3_000n, value: 400 }, prior, th, 5).kind).toBe('conflict');
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 3_000n, value: 500 }, prior, th, 5).kind).toBe('conflict');
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 3_000n, value: 456 }, prior, th, 5)).toMatchObject({ kind: 'delta', delta: 0 });
    expect(cumulativeToDelta({ startNs: 2_000n, timeNs: 4_000n, value: 400 }, prior, th, 5)).toMatchObject({ kind: 'delta', delta: 400 });
  });

  it('counts the 456 → 400 → 456 sequence of a stream started before the epoch as 0', () => {
    const nowMs = Date.UTC(2026, 10, 24);
    const epoch = { countFromNs: BigInt(nowMs - 3_600_000) * 1_000_000n, evictedUpToNs: 0n };
    const start = BigInt(Date.UTC(2020, 0, 1)) * 1_000_000n;
    const time = BigInt(nowMs) * 1_000_000n;
    let prior: ReturnType<typeof row> | undefined;
    let counted = 0;
    for (const value of [456, 400, 456]) {
      const d = cumulativeToDelta({ startNs: start, timeNs: time, value }, prior, epoch, nowMs);
      if (d.kind === 'delta') counted += d.delta;
      if (d.kind === 'delta' || d.kind === 'baseline') prior = d.next;
    }
    expect(counted).toBe(0);
  });

  it('reads a fresh point\'s start as its age before our receipt, so a collector clock days ahead still counts new streams', () => {
    const realMs = Date.UTC(2026, 10, 24, 12);
    const aheadMs = realMs + 3 * 86_400_000; // our clock, and the epoch taken from it
    const epoch = { countFromNs: BigInt(aheadMs - 60_000) * 1_000_000n, evictedUpToNs: 0n };
    // The producer's clock is right: its stream began 30 s ago, after the collector started.
    const started = { startNs: BigInt(realMs - 30_000) * 1_000_000n, timeNs: BigInt(realMs) * 1_000_000n, value: 9 };
    expect(cumulativeToDelta(started, undefined, epoch, aheadMs)).toMatchObject({ kind: 'delta', delta: 9 });
    // One that began two minutes before the collector did is still a baseline.
    const older = { ...started, startNs: BigInt(realMs - 180_000) * 1_000_000n };
    expect(cumulativeToDelta(older, undefined, epoch, aheadMs).kind).toBe('baseline');
  });

  it('compares only the start time of a point whose time is far from our clock (a replay of old data)', () => {
    const nowMs = Date.UTC(2026, 10, 24);
    const epoch = { countFromNs: BigInt(nowMs - 3_600_000) * 1_000_000n, evictedUpToNs: 0n };
    const old = { startNs: BigInt(Date.UTC(2020, 1, 12)) * 1_000_000n, timeNs: BigInt(Date.UTC(2020, 1, 12, 0, 0, 1)) * 1_000_000n, value: 9 };
    expect(startedOnOurClockNs(old, nowMs)).toBe(old.startNs);
    expect(cumulativeToDelta(old, undefined, epoch, nowMs).kind).toBe('baseline');
  });
});
