// What the two ends have on disk, read directly for end-to-end checks: the reports a receiver
// stored (SQLite or PostgreSQL), and the collector's ledger (every report that left its outbox as
// delivered, with the exact bytes sent). Read-only; safe while the processes run.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { REPORT_KEYS, zeroMetrics, type ReportKey, type ReportMetrics } from '@lunadefend/config';
import { STATE_FILE_NAME } from '@lunadefend/collector';
import type { ReceiverDatabase } from './pipeline.js';

export interface StoredReport {
  readonly reportId: string;
  readonly stackId: string;
  readonly version: string;
  readonly metrics: ReportMetrics;
}

/** `tokenizeSuccess` → `tokenize_success` (the receiver's column names). */
function column(key: ReportKey): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const SELECT_REPORTS = `select report_id, stack_id, version, ${REPORT_KEYS.map(column).join(', ')} from reports order by report_id`;

function toStoredReport(row: Record<string, unknown>): StoredReport {
  const metrics = zeroMetrics();
  for (const key of REPORT_KEYS) metrics[key] = Number(row[column(key)]);
  return { reportId: String(row.report_id), stackId: String(row.stack_id), version: String(row.version), metrics };
}

/** Every report the receiver stored (empty when its database has no reports table yet). */
export async function storedReports(database: ReceiverDatabase): Promise<StoredReport[]> {
  if (database.kind === 'sqlite') {
    if (!existsSync(database.path)) return [];
    const db = new Database(database.path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare(SELECT_REPORTS).all() as Record<string, unknown>[]).map(toStoredReport);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(SELECT_REPORTS)).rows.map(toStoredReport);
  } finally {
    await client.end();
  }
}

export interface LedgerEntry {
  readonly reportId: string;
  readonly outcome: string;
  readonly status: number | null;
  /** The exact bytes sent. */
  readonly body: string;
  /** The receiver's receipt (leaf index in its transparency log), when it gave one. */
  readonly leafIndex: number | null;
  readonly leafHash: string | null;
}

/** The collector's ledger, oldest first (empty when the state file does not exist). */
export function ledgerEntries(stateDirectory: string): LedgerEntry[] {
  const path = join(stateDirectory, STATE_FILE_NAME);
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('select report_id, outcome, status, body, leaf_index, leaf_hash from ledger order by seq').all() as Record<string, unknown>[];
    return rows.map((r) => ({
      reportId: String(r.report_id),
      outcome: String(r.outcome),
      status: r.status === null ? null : Number(r.status),
      body: String(r.body),
      leafIndex: r.leaf_index === null ? null : Number(r.leaf_index),
      leafHash: r.leaf_hash === null ? null : String(r.leaf_hash),
    }));
  } finally {
    db.close();
  }
}

/** Per-metric sum of some reports' counters. */
export function sumMetrics(reports: readonly { readonly metrics: ReportMetrics }[]): ReportMetrics {
  const totals = zeroMetrics();
  for (const report of reports) for (const key of REPORT_KEYS) totals[key] += report.metrics[key];
  return totals;
}
