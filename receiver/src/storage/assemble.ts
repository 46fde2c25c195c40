// Turns the rows both stores read from their aggregate tables into the contract's answers, so the
// two implementations differ only in SQL. A counter no row of a period knows stays null (unknown).

import type { MetricTotals } from '@lunadefend/config';
import { addKnown } from './columns.js';

export interface VersionRow {
  readonly start: string;
  readonly version: string;
  readonly deployments: number;
  readonly totals: MetricTotals;
}

export interface PeriodStats {
  readonly start: string;
  readonly activeDeployments: number;
  readonly deploymentsByVersion: Record<string, number>;
  readonly totals: MetricTotals;
}

/** Joins active-deployment counts per period with per-version rows; periods sorted ascending. */
export function assemblePeriods(active: ReadonlyMap<string, number>, rows: readonly VersionRow[]): PeriodStats[] {
  const byStart = new Map<string, { deploymentsByVersion: Record<string, number>; totals: Record<string, number | null> }>();
  for (const row of rows) {
    let entry = byStart.get(row.start);
    if (entry === undefined) {
      entry = { deploymentsByVersion: {}, totals: {} };
      byStart.set(row.start, entry);
    }
    entry.deploymentsByVersion[row.version] = (entry.deploymentsByVersion[row.version] ?? 0) + row.deployments;
    const totals: Readonly<Record<string, number | null>> = row.totals;
    for (const [key, value] of Object.entries(totals)) entry.totals[key] = addKnown(entry.totals[key], value);
  }
  return [...byStart.keys()]
    .sort()
    .map((start) => {
      const entry = byStart.get(start)!;
      return {
        start,
        activeDeployments: active.get(start) ?? 0,
        deploymentsByVersion: sortKeys(entry.deploymentsByVersion),
        totals: entry.totals as MetricTotals,
      };
    });
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
