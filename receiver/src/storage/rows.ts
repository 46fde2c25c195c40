// Database rows as the contract's records, one reader per record for both stores: each store's SQL
// names its columns alike, and the readers absorb the drivers' differences (SQLite gives
// milliseconds and JSON text where PostgreSQL gives Date objects and arrays).

import { metricsFromRow, type MetricColumn } from './columns.js';
import type { BlockedStack, Contribution, DeploymentSummary, FlaggedReport } from './storage.js';
import type { PeriodCount, VersionTotalsRow } from '../stats/period-figures.js';

export type Row = Record<string, unknown>;

/** ISO timestamp of a column holding a Date (PostgreSQL) or epoch milliseconds (SQLite). */
const isoTime = (value: unknown): string => (value instanceof Date ? value : new Date(Number(value))).toISOString();

/** A list column: an array (PostgreSQL) or JSON text (SQLite); sorted. */
const sortedList = (value: unknown): string[] => (Array.isArray(value) ? [...(value as string[])] : (JSON.parse(String(value)) as string[])).sort();

/** Columns period_start, version, deployments and the counters. */
export const versionTotalsRow = (r: Row, columns: readonly MetricColumn[]): VersionTotalsRow => ({
  start: String(r.period_start),
  version: String(r.version),
  deployments: Number(r.deployments),
  totals: metricsFromRow(r, columns),
});

/** Columns period_start and n. */
export const periodCount = (r: Row): PeriodCount => ({ start: String(r.period_start), deployments: Number(r.n) });

/** Columns stack_id, versions, first_seen, last_seen. */
export const deploymentSummary = (r: Row): DeploymentSummary => ({
  stackId: String(r.stack_id),
  versions: sortedList(r.versions),
  firstSeen: String(r.first_seen),
  lastSeen: String(r.last_seen),
});

/** Columns report_id, stack_id, version, day, flag_reason, received_at. */
export const flaggedReport = (r: Row): FlaggedReport => ({
  reportId: String(r.report_id),
  stackId: String(r.stack_id),
  version: String(r.version),
  day: String(r.day),
  reason: String(r.flag_reason),
  receivedAt: isoTime(r.received_at),
});

/** Columns stack_id, day, version and the counters. */
export const contribution = (r: Row, columns: readonly MetricColumn[]): Contribution => ({
  stackId: String(r.stack_id),
  day: String(r.day),
  version: String(r.version),
  metrics: metricsFromRow(r, columns),
});

/** Columns stack_id, reason, blocked_at. */
export const blockedStack = (r: Row): BlockedStack => ({ stackId: String(r.stack_id), reason: String(r.reason), blockedAt: isoTime(r.blocked_at) });
