// Turns the rows both stores read from their aggregate tables into the contract's answers, so the
// two implementations differ only in SQL.

import { REPORT_KEYS, zeroMetrics, type ReportKey } from '@lunadefend/config';

export interface VersionRow {
  readonly start: string;
  readonly version: string;
  readonly deployments: number;
  readonly totals: Record<ReportKey, number>;
}

export interface PeriodStats {
  readonly start: string;
  readonly activeDeployments: number;
  readonly deploymentsByVersion: Record<string, number>;
  readonly totals: Record<ReportKey, number>;
}

/** Joins active-deployment counts per period with per-version rows; periods sorted ascending. */
export function assemblePeriods(active: ReadonlyMap<string, number>, rows: readonly VersionRow[]): PeriodStats[] {
  const byStart = new Map<string, { deploymentsByVersion: Record<string, number>; totals: Record<ReportKey, number> }>();
  for (const row of rows) {
    let entry = byStart.get(row.start);
    if (entry === undefined) {
      entry = { deploymentsByVersion: {}, totals: zeroMetrics() };
      byStart.set(row.start, entry);
    }
    entry.deploymentsByVersion[row.version] = (entry.deploymentsByVersion[row.version] ?? 0) + row.deployments;
    for (const key of REPORT_KEYS) entry.totals[key] += row.totals[key];
  }
  return [...byStart.keys()]
    .sort()
    .map((start) => {
      const entry = byStart.get(start)!;
      return {
        start,
        activeDeployments: active.get(start) ?? 0,
        deploymentsByVersion: sortKeys(entry.deploymentsByVersion),
        totals: entry.totals,
      };
    });
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
