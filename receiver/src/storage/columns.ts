// Database columns of the report counters, generated from the catalog (the module's own, or one
// handed to the store). A counter's column exists from the migration of the schema version that
// introduced it (metric-migrations.ts); a report of an older version leaves it null, and a sum
// over reports none of which carried it stays null: unknown, never zero.

import { METRIC_CATALOG, type MetricCatalog, type MetricTotals } from '@lunadefend/config';

export interface MetricColumn {
  /** The report key, e.g. `tokenizeSuccess`. */
  readonly key: string;
  /** The column, e.g. `tokenize_success`. */
  readonly column: string;
  /** The schema version that introduced the counter. */
  readonly since: number;
}

/** `tokenizeSuccess` → `tokenize_success`. */
export function metricColumn(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The counter columns of a catalog, in catalog order (the order the migrations added them in). */
export function metricColumns(catalog: MetricCatalog = METRIC_CATALOG): readonly MetricColumn[] {
  return Object.freeze(catalog.map((entry) => Object.freeze({ key: entry.reportKey, column: metricColumn(entry.reportKey), since: entry.since })));
}

export const METRIC_COLUMNS: readonly string[] = metricColumns().map((c) => c.column);

/** A report's counter values in column order; null for a counter its version does not carry. */
export function metricValues(columns: readonly MetricColumn[], metrics: Readonly<Record<string, number>>): (number | null)[] {
  return columns.map(({ key }) => metrics[key] ?? null);
}

/** Reads counters from a row whose columns are named by `metricColumn` (numbers, numeric strings or null). */
export function metricsFromRow(row: Record<string, unknown>, columns: readonly MetricColumn[] = metricColumns()): MetricTotals {
  const totals: Record<string, number | null> = {};
  for (const { key, column } of columns) {
    const value = row[column];
    totals[key] = value === null || value === undefined ? null : Number(value);
  }
  return totals as MetricTotals;
}

/** `a + b` where null is unknown: the sum of the known values, null when neither is known. */
export function addKnown(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined) return b ?? null;
  return b === null || b === undefined ? a : a + b;
}

/** SQL for the same rule in an upsert: `coalesce(t.c + excluded.c, t.c, excluded.c)`. */
export function addKnownSql(target: string, column: string): string {
  return `${column} = coalesce(${target}.${column} + excluded.${column}, ${target}.${column}, excluded.${column})`;
}
