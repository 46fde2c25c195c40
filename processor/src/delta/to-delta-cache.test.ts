import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FilteredPoint } from '../model/points.js';
import { openStateStore, type StateStore } from '../state/state-store.js';
import { createToDelta } from './to-delta.js';

const EPOCH = 1_000n;
let dir: string | undefined;
let store: StateStore | undefined;
afterEach(() => {
  store?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const cumulative = (key: number, value: number, timeNs: bigint): FilteredPoint => ({
  reportKey: 'tokenizeSuccess', temporality: 2, streamKey: String.fromCharCode(key).repeat(16), producerKey: 'p'.repeat(16), startNs: 2_000n, timeNs, value, version: '1.0.0', stackId: 's',
});

describe('to-delta stream cache', () => {
  it('forgets the writes of a transaction that rolled back', () => {
    dir = mkdtempSync(join(tmpdir(), 'lunadefend-todelta-'));
    const s = openStateStore({ directory: dir });
    store = s;
    const toDelta = createToDelta({ maxStreams: 10, streamStalenessMs: 60_000 });
    const run = (p: FilteredPoint, fail = false) => {
      try {
        const result = s.transaction(() => {
          const r = toDelta.apply(s, EPOCH, [p], 0);
          if (fail) throw new Error('disk full');
          return r;
        });
        return result.deltas[0]?.delta;
      } catch {
        toDelta.rollback();
        return undefined;
      }
    };
    expect(run(cumulative(1, 5, 3_000n))).toBe(5);
    expect(run(cumulative(1, 9, 4_000n), true)).toBeUndefined();
    expect(run(cumulative(1, 9, 4_000n))).toBe(4); // not 0: the failed write was never cached
    expect(run(cumulative(1, 12, 5_000n))).toBe(3);
  });

  it('does not serve an evicted stream from memory', () => {
    dir = mkdtempSync(join(tmpdir(), 'lunadefend-todelta-'));
    const s = openStateStore({ directory: dir });
    store = s;
    const toDelta = createToDelta({ maxStreams: 1, streamStalenessMs: 1000 });
    const run = (p: FilteredPoint, nowMs: number) => {
      const r = s.transaction(() => toDelta.apply(s, EPOCH, [p], nowMs));
      return r;
    };
    expect(run(cumulative(1, 5, 3_000n), 0).deltas[0]?.delta).toBe(5);
    expect(run(cumulative(2, 7, 3_000n), 5_000).deltas[0]?.delta).toBe(0); // evicts 1; same start as 1: baseline
    expect(s.streams.count()).toBe(1);
    const back = run(cumulative(1, 6, 6_000n), 5_000); // table full again with a fresh stream 2
    expect(back.rejected.get('stream_limit')).toBe(1);
  });
});
