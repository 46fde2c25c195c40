// The stream table of to-delta: each cumulative stream's last point. It lives in memory (at most
// max_streams rows, so the hot path never reads SQLite) and becomes durable in the request's own
// transaction as ONE stream-log row holding the streams the request changed — one blob insert
// instead of one row update per point. When the log holds LOG_ENTRIES_PER_STREAM times as many
// entries as there are streams (or after an eviction, which the log cannot express), the same
// transaction rewrites the `streams` table and empties the log. Loading is `streams` plus the
// log replayed in order, so the file always holds exactly what committed transactions wrote.
// Memory is changed in place: when a transaction fails, rollback() forgets everything and the
// next transaction loads the table again from the file.

import type { StreamKey } from '../model/points.js';
import type { StateStore } from '../state/state-store.js';
import type { StreamRow } from '../model/rows.js';
import { decodeStreamLog, encodeStreamLog } from './stream-log.js';

/** Compaction rewrites every stream: doing it after 8 log entries per stream keeps it cheap per point. */
const LOG_ENTRIES_PER_STREAM = 8;
const MIN_LOG_ENTRIES = 8_000;

export interface StreamTable {
  /** Must be called in the transaction before the other methods: loads the rows when needed (then true). */
  open(store: StateStore): boolean;
  get(key: StreamKey): StreamRow | undefined;
  set(key: StreamKey, row: StreamRow): void;
  size(): number;
  /** Forgets streams last seen before `beforeMs`; how many, and the latest start time among them. */
  evictSeenBefore(beforeMs: number, onEvict?: (key: StreamKey) => void): { evicted: number; maxStartNs: bigint | undefined };
  /** Writes what changed since the last flush into the open transaction. */
  flush(store: StateStore): void;
  /** The transaction failed: forget everything, load again on next open(). */
  rollback(): void;
}

export function createStreamTable(): StreamTable {
  let rows = new Map<StreamKey, StreamRow>();
  let changes = new Map<StreamKey, StreamRow>();
  let loadedFrom: StateStore | undefined;
  let logEntries = 0;
  let compactionDue = false;

  const load = (store: StateStore) => {
    rows = new Map();
    for (const { key, row } of store.streams.all()) rows.set(key, row);
    logEntries = 0;
    for (const blob of store.streamLog.all()) logEntries += decodeStreamLog(blob, (key, row) => rows.set(key, row));
    changes = new Map();
    compactionDue = false;
    loadedFrom = store;
  };

  return {
    open(store) {
      // A different store object means the handle reopened the file: trust only what it holds.
      if (loadedFrom === store) return false;
      load(store);
      return true;
    },
    get: (key) => rows.get(key),
    set(key, row) {
      rows.set(key, row);
      changes.set(key, row);
    },
    size: () => rows.size,
    evictSeenBefore(beforeMs, onEvict) {
      let evicted = 0;
      let maxStartNs: bigint | undefined;
      for (const [key, row] of rows) {
        if (row.lastSeenMs >= beforeMs) continue;
        rows.delete(key);
        changes.delete(key);
        onEvict?.(key);
        evicted++;
        if (maxStartNs === undefined || row.startNs > maxStartNs) maxStartNs = row.startNs;
      }
      if (evicted > 0) compactionDue = true;
      return { evicted, maxStartNs };
    },
    flush(store) {
      if (changes.size > 0) {
        store.streamLog.append(encodeStreamLog(changes));
        logEntries += changes.size;
        changes = new Map();
      }
      if (compactionDue || logEntries >= Math.max(MIN_LOG_ENTRIES, LOG_ENTRIES_PER_STREAM * rows.size)) {
        store.streams.replaceAll(rows);
        store.streamLog.clear();
        logEntries = 0;
        compactionDue = false;
      }
    },
    rollback() {
      loadedFrom = undefined;
      rows = new Map();
      changes = new Map();
    },
  };
}
