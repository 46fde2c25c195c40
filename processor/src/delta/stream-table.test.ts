import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStateStore, type StateStore } from '../state/state-store.js';
import type { StreamRow } from '../model/rows.js';
import { createStreamTable } from './stream-table.js';

let dir: string | undefined;
const stores: StateStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const open = () => {
  dir ??= mkdtempSync(join(tmpdir(), 'lunadefend-streams-'));
  const store = openStateStore({ directory: dir });
  stores.push(store);
  return store;
};
const key = (n: number) => String.fromCharCode(n).repeat(16);
const row = (value: number, lastSeenMs = 0): StreamRow => ({ startNs: 1_000n, lastTimeNs: BigInt(2_000 + value), lastValue: value, lastSeenMs });

/** What a freshly started collector would load from the file. */
const reloaded = () => {
  const table = createStreamTable();
  table.open(open());
  return table;
};

describe('stream table', () => {
  it('writes one log row per flush and loads the table plus the log in order', () => {
    const store = open();
    const table = createStreamTable();
    for (let value = 1; value <= 3; value++) {
      store.transaction(() => {
        table.open(store);
        table.set(key(1), row(value));
        table.set(key(2), row(value * 10));
        table.flush(store);
      });
    }
    expect(store.streamLog.count()).toBe(3);
    const again = reloaded();
    expect(again.size()).toBe(2);
    expect(again.get(key(1))).toEqual(row(3));
    expect(again.get(key(2))).toEqual(row(30));
  });

  it('folds the log into the streams table once it is long enough, keeping every row', () => {
    const store = open();
    const table = createStreamTable();
    let flushes = 0;
    while (store.streams.count() === 0) {
      store.transaction(() => {
        table.open(store);
        for (let k = 0; k < 100; k++) table.set(key(k + 1), row(flushes));
        table.flush(store);
      });
      flushes++;
      expect(flushes).toBeLessThan(1_000);
    }
    expect(store.streamLog.count()).toBe(0);
    expect(store.streams.count()).toBe(100);
    expect(reloaded().get(key(50))).toEqual(row(flushes - 1));
  });

  it('never brings an evicted stream back from the log', () => {
    const store = open();
    const table = createStreamTable();
    store.transaction(() => {
      table.open(store);
      table.set(key(1), row(5, 0));
      table.set(key(2), row(7, 5_000));
      table.flush(store);
    });
    store.transaction(() => {
      table.open(store);
      expect(table.evictSeenBefore(1_000)).toEqual({ evicted: 1, maxStartNs: 1_000n });
      table.flush(store);
    });
    const again = reloaded();
    expect(again.get(key(1))).toBeUndefined();
    expect(again.get(key(2))).toEqual(row(7, 5_000));
  });

  it('forgets what a failed transaction wrote and reloads what the file holds', () => {
    const store = open();
    const table = createStreamTable();
    store.transaction(() => {
      table.open(store);
      table.set(key(1), row(5));
      table.flush(store);
    });
    expect(() =>
      store.transaction(() => {
        table.open(store);
        table.set(key(1), row(9));
        table.set(key(2), row(1));
        table.flush(store);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    table.rollback();
    table.open(store);
    expect(table.get(key(1))).toEqual(row(5));
    expect(table.get(key(2))).toBeUndefined();
  });
});
