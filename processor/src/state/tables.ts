// Prepared statements over the state tables, grouped by table. No logic lives here beyond SQL:
// the stages decide, these only read and write.

import type Database from 'better-sqlite3';
import type { DeadLetter, LedgerEntry, OutboxEntry, ReportGroup, StreamRow } from '../model/rows.js';

export interface Tables {
  readonly metadata: {
    get(key: string): string | undefined;
    set(key: string, value: string): void;
  };
  readonly streams: {
    /** Every stream row; keys as latin1 strings (privacy/stream-key.ts). */
    all(): Array<{ key: string; row: StreamRow }>;
    /** Replaces the whole table with `rows` (stream-log compaction). */
    replaceAll(rows: Iterable<[string, StreamRow]>): void;
    count(): number;
  };
  /** Stream rows changed since the last compaction, one blob per request (delta/stream-log.ts). */
  readonly streamLog: {
    append(entries: Buffer): void;
    /** The blobs in the order they were appended. */
    all(): Buffer[];
    clear(): void;
    /** Number of log rows (requests), not of stream entries. */
    count(): number;
  };
  readonly windows: {
    findGroup(windowStartMs: number, stackId: string, version: string): string | undefined;
    createGroup(windowStartMs: number, stackId: string, version: string, reportId: string): void;
    add(reportId: string, reportKey: string, value: number): void;
    /** Groups with their totals, optionally only those of windows starting before `beforeMs`. */
    groups(beforeMs?: number): ReportGroup[];
    deleteGroup(reportId: string): void;
  };
  readonly outbox: {
    insert(entry: OutboxEntry): void;
    due(nowMs: number, limit: number): OutboxEntry[];
    list(): OutboxEntry[];
    nextAttemptMs(): number | undefined;
    reschedule(reportId: string, nextAttemptMs: number, attempts: number, lastError: string): void;
    /** Marks entries written to an export file: they are neither sent nor expired until a receipt comes. */
    markExported(reportId: string, atMs: number): void;
    find(reportId: string): OutboxEntry | undefined;
    delete(reportId: string): void;
    count(): number;
  };
  readonly deadLetters: {
    insert(entry: DeadLetter): void;
    list(): DeadLetter[];
    delete(reportId: string): void;
    count(): number;
  };
  readonly ledger: {
    append(entry: Omit<LedgerEntry, 'seq'>): void;
    list(): LedgerEntry[];
    /** Records what `verify` found for an entry: a tree size it was proven in, or an error. */
    setVerification(seq: number, verifiedTreeSize: number | null, verifyError: string | null): void;
    count(): number;
  };
}

type Row = Record<string, unknown>;

export function createTables(db: Database.Database): Tables {
  // Prepared lazily: a read-only connection never prepares writes, and statements are reused.
  const cache = new Map<string, Database.Statement>();
  const sql = (text: string): Database.Statement => {
    let statement = cache.get(text);
    if (statement === undefined) {
      statement = db.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };
  const bigSql = (text: string): Database.Statement => sql(text).safeIntegers(true);
  const count = (table: string) => () => Number((sql(`SELECT count(*) AS n FROM ${table}`).get() as Row).n);

  const toOutbox = (r: Row): OutboxEntry => ({
    reportId: r.report_id as string,
    windowStartMs: r.window_start_ms as number,
    windowEndMs: r.window_end_ms as number,
    body: r.body as string,
    sendAfterMs: r.send_after_ms as number,
    nextAttemptMs: r.next_attempt_ms as number,
    attempts: r.attempts as number,
    lastError: (r.last_error as string | null) ?? null,
    exportedAtMs: (r.exported_at_ms as number | null) ?? null,
  });

  return {
    metadata: {
      get: (key) => (sql('SELECT value FROM metadata WHERE key = ?').get(key) as Row | undefined)?.value as string | undefined,
      set: (key, value) => void sql('INSERT INTO metadata (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value),
    },
    streams: {
      all: () =>
        (bigSql('SELECT key, start_ns, last_time_ns, last_value, last_seen_ms FROM streams').all() as Row[]).map((r) => ({
          key: (r.key as Buffer).toString('latin1'),
          row: { startNs: r.start_ns as bigint, lastTimeNs: r.last_time_ns as bigint, lastValue: Number(r.last_value), lastSeenMs: Number(r.last_seen_ms) },
        })),
      replaceAll: (rows) => {
        sql('DELETE FROM streams').run();
        const insert = sql('INSERT INTO streams (key, start_ns, last_time_ns, last_value, last_seen_ms) VALUES (?, ?, ?, ?, ?)');
        for (const [key, row] of rows) insert.run(Buffer.from(key, 'latin1'), row.startNs, row.lastTimeNs, row.lastValue, row.lastSeenMs);
      },
      count: count('streams'),
    },
    streamLog: {
      append: (entries) => void sql('INSERT INTO stream_log (entries) VALUES (?)').run(entries),
      all: () => (sql('SELECT entries FROM stream_log ORDER BY seq').all() as Row[]).map((r) => r.entries as Buffer),
      clear: () => void sql('DELETE FROM stream_log').run(),
      count: count('stream_log'),
    },
    windows: {
      findGroup: (windowStartMs, stackId, version) =>
        (sql('SELECT report_id FROM report_groups WHERE window_start_ms = ? AND stack_id = ? AND version = ?').get(windowStartMs, stackId, version) as Row | undefined)
          ?.report_id as string | undefined,
      createGroup: (windowStartMs, stackId, version, reportId) =>
        void sql('INSERT INTO report_groups (window_start_ms, stack_id, version, report_id) VALUES (?, ?, ?, ?)').run(windowStartMs, stackId, version, reportId),
      add: (reportId, reportKey, value) =>
        void sql(
          `INSERT INTO window_totals (report_id, report_key, value) VALUES (?, ?, ?)
           ON CONFLICT (report_id, report_key) DO UPDATE SET value = value + excluded.value`,
        ).run(reportId, reportKey, value),
      groups: (beforeMs) => {
        const rows = sql(
          `SELECT g.window_start_ms, g.stack_id, g.version, g.report_id, t.report_key, t.value
           FROM report_groups g LEFT JOIN window_totals t ON t.report_id = g.report_id
           WHERE g.window_start_ms < ? ORDER BY g.window_start_ms, g.stack_id, g.version`,
        ).all(beforeMs ?? Number.MAX_SAFE_INTEGER) as Row[];
        const groups = new Map<string, { windowStartMs: number; stackId: string; version: string; reportId: string; totals: Record<string, number> }>();
        for (const r of rows) {
          const id = r.report_id as string;
          let group = groups.get(id);
          if (group === undefined) {
            group = { windowStartMs: r.window_start_ms as number, stackId: r.stack_id as string, version: r.version as string, reportId: id, totals: {} };
            groups.set(id, group);
          }
          if (typeof r.report_key === 'string') group.totals[r.report_key] = r.value as number;
        }
        return [...groups.values()];
      },
      deleteGroup: (reportId) => {
        sql('DELETE FROM window_totals WHERE report_id = ?').run(reportId);
        sql('DELETE FROM report_groups WHERE report_id = ?').run(reportId);
      },
    },
    outbox: {
      insert: (e) =>
        void sql(
          `INSERT INTO outbox (report_id, window_start_ms, window_end_ms, body, send_after_ms, next_attempt_ms, attempts, last_error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(e.reportId, e.windowStartMs, e.windowEndMs, e.body, e.sendAfterMs, e.nextAttemptMs, e.attempts, e.lastError),
      due: (nowMs, limit) =>
        (sql('SELECT * FROM outbox WHERE next_attempt_ms <= ? AND exported_at_ms IS NULL ORDER BY next_attempt_ms, report_id LIMIT ?').all(nowMs, limit) as Row[]).map(toOutbox),
      list: () => (sql('SELECT * FROM outbox ORDER BY window_start_ms, send_after_ms, report_id').all() as Row[]).map(toOutbox),
      nextAttemptMs: () => {
        const m = (sql('SELECT min(next_attempt_ms) AS m FROM outbox WHERE exported_at_ms IS NULL').get() as Row).m;
        return typeof m === 'number' ? m : undefined;
      },
      reschedule: (reportId, nextAttemptMs, attempts, lastError) =>
        void sql('UPDATE outbox SET next_attempt_ms = ?, attempts = ?, last_error = ? WHERE report_id = ?').run(nextAttemptMs, attempts, lastError, reportId),
      markExported: (reportId, atMs) => void sql('UPDATE outbox SET exported_at_ms = ? WHERE report_id = ?').run(atMs, reportId),
      find: (reportId) => {
        const row = sql('SELECT * FROM outbox WHERE report_id = ?').get(reportId) as Row | undefined;
        return row === undefined ? undefined : toOutbox(row);
      },
      delete: (reportId) => void sql('DELETE FROM outbox WHERE report_id = ?').run(reportId),
      count: count('outbox'),
    },
    deadLetters: {
      insert: (e) =>
        void sql('INSERT OR REPLACE INTO dead_letters (report_id, window_end_ms, body, status, error, dead_at_ms) VALUES (?, ?, ?, ?, ?, ?)').run(
          e.reportId, e.windowEndMs, e.body, e.status, e.error, e.deadAtMs,
        ),
      list: () =>
        (sql('SELECT * FROM dead_letters ORDER BY dead_at_ms, report_id').all() as Row[]).map((r) => ({
          reportId: r.report_id as string,
          windowEndMs: r.window_end_ms as number,
          body: r.body as string,
          status: (r.status as number | null) ?? null,
          error: r.error as string,
          deadAtMs: r.dead_at_ms as number,
        })),
      delete: (reportId) => void sql('DELETE FROM dead_letters WHERE report_id = ?').run(reportId),
      count: count('dead_letters'),
    },
    ledger: {
      append: (e) =>
        void sql('INSERT INTO ledger (report_id, delivered_at_ms, outcome, status, body, leaf_index, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          e.reportId, e.deliveredAtMs, e.outcome, e.status, e.body, e.leafIndex ?? null, e.leafHash ?? null,
        ),
      list: () =>
        (sql('SELECT * FROM ledger ORDER BY seq').all() as Row[]).map((r) => ({
          seq: r.seq as number,
          reportId: r.report_id as string,
          deliveredAtMs: r.delivered_at_ms as number,
          outcome: r.outcome as string,
          status: (r.status as number | null) ?? null,
          body: r.body as string,
          leafIndex: (r.leaf_index as number | null) ?? null,
          leafHash: (r.leaf_hash as string | null) ?? null,
          verifiedTreeSize: (r.verified_tree_size as number | null) ?? null,
          verifyError: (r.verify_error as string | null) ?? null,
        })),
      setVerification: (seq, verifiedTreeSize, verifyError) =>
        void sql('UPDATE ledger SET verified_tree_size = ?, verify_error = ? WHERE seq = ?').run(verifiedTreeSize, verifyError, seq),
      count: count('ledger'),
    },
  };
}
