// Database column names of the report counters, derived from the catalog. The migrations spell
// the columns out (a migration must never change after release); the contract suite checks that
// every catalog key round-trips, so a new catalog entry without a migration fails the tests.

import { REPORT_KEYS, zeroMetrics, type ReportKey, type ReportMetrics } from '@lunadefend/config';

/** `tokenizeSuccess` → `tokenize_success`. */
export function metricColumn(key: ReportKey): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export const METRIC_COLUMNS: readonly string[] = REPORT_KEYS.map(metricColumn);

/** Reads counters from a row whose columns are named by `metricColumn` (numbers or numeric strings). */
export function metricsFromRow(row: Record<string, unknown>, prefix = ''): ReportMetrics {
  const totals = zeroMetrics();
  for (const key of REPORT_KEYS) totals[key] = Number(row[`${prefix}${metricColumn(key)}`] ?? 0);
  return totals;
}
