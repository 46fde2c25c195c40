// Versioned schema of the state file. PRAGMA user_version records how many migrations ran; each
// runs in its own transaction, so a crash mid-migration leaves the previous version intact.
// Nothing here stores an attribute value: streams are keyed by a keyed hash of their identity.

import type Database from 'better-sqlite3';
import { CollectorError } from '../errors.js';

const MIGRATIONS: readonly string[] = [
  // 1: the whole first schema.
  `
  CREATE TABLE metadata (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  -- One row per cumulative stream: HMAC of (resource, scope, metric name, point attributes,
  -- start time); the start time is kept for the eviction watermark.
  CREATE TABLE streams (
    key BLOB PRIMARY KEY,
    start_ns INTEGER NOT NULL,
    last_time_ns INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX streams_last_seen ON streams (last_seen_ms);

  -- One row per (window, stack id, version) that received a point; its report id is drawn at
  -- that moment so that preview shows the exact bytes a later send carries.
  CREATE TABLE report_groups (
    window_start_ms INTEGER NOT NULL,
    stack_id TEXT NOT NULL,
    version TEXT NOT NULL,
    report_id TEXT NOT NULL UNIQUE,
    PRIMARY KEY (window_start_ms, stack_id, version)
  ) WITHOUT ROWID;

  CREATE TABLE window_totals (
    report_id TEXT NOT NULL REFERENCES report_groups (report_id),
    report_key TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (report_id, report_key)
  ) WITHOUT ROWID;

  -- Sealed reports waiting to be sent; body is the exact JSON that goes on the wire.
  CREATE TABLE outbox (
    report_id TEXT PRIMARY KEY,
    window_start_ms INTEGER NOT NULL,
    window_end_ms INTEGER NOT NULL,
    body TEXT NOT NULL,
    send_after_ms INTEGER NOT NULL,
    next_attempt_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  ) WITHOUT ROWID;
  CREATE INDEX outbox_due ON outbox (next_attempt_ms);

  CREATE TABLE dead_letters (
    report_id TEXT PRIMARY KEY,
    window_end_ms INTEGER NOT NULL,
    body TEXT NOT NULL,
    status INTEGER,
    error TEXT NOT NULL,
    dead_at_ms INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- Append-only record of every report that left the outbox as delivered (or, in local mode,
  -- kept locally), with the exact bytes.
  CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL,
    delivered_at_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    body TEXT NOT NULL
  );
  `,
  // 2: stream rows reach the file as a log, one row per request with the streams it changed,
  // folded into `streams` now and then (delta/stream-table.ts). Eviction runs on the in-memory
  // table, so the index on last_seen_ms only cost a second B-tree write per point.
  `
  CREATE TABLE stream_log (
    seq INTEGER PRIMARY KEY,
    entries BLOB NOT NULL
  );
  DROP INDEX streams_last_seen;
  `,
  // 3: receipts of the receiver's transparency log with each ledger entry, what `verify` last
  // found for it, and outbox entries written to an export file for air-gapped delivery.
  `
  ALTER TABLE ledger ADD COLUMN leaf_index INTEGER;
  ALTER TABLE ledger ADD COLUMN leaf_hash TEXT;
  ALTER TABLE ledger ADD COLUMN verified_tree_size INTEGER;
  ALTER TABLE ledger ADD COLUMN verify_error TEXT;
  ALTER TABLE outbox ADD COLUMN exported_at_ms INTEGER;
  `,
];

export const STATE_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the schema up to date. Throws STATE_TOO_NEW for a file from a newer collector. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new CollectorError('STATE_TOO_NEW', `state schema version ${current} is newer than this collector's (${MIGRATIONS.length})`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] ?? '');
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
