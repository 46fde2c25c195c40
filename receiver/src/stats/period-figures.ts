// The one result shape of the receiver's statistics: the figures of one period (a UTC day or an
// ISO week), and the two ways they are put together — from a store's per-period aggregate rows,
// or from per-deployment contributions (the public-cohort filter, since the aggregates do not
// know who qualifies). Both mean the same: distinct stack ids per period and per version, and
// counter sums that stay null where no counted report carried the counter (unknown, never zero).

import type { MetricTotals } from '@lunadefend/config';
import { addKnown } from '../storage/columns.js';
import type { Contribution } from '../storage/storage.js';

export interface PeriodFigures {
  /** Distinct stack ids with at least one counted report in the period. */
  readonly activeDeployments: number;
  /** Distinct stack ids per version (a stack that upgraded within the period counts under both). */
  readonly deploymentsByVersion: Record<string, number>;
  /**
   * Sum of each counter over the period's counted reports that carry it (a report of an older
   * schema version lacks the later counters); null when none does.
   */
  readonly totals: MetricTotals;
}

/** One version's aggregate row of one period, as a store reads it. */
export interface VersionTotalsRow {
  /** The period's first day, 'YYYY-MM-DD'. */
  readonly start: string;
  readonly version: string;
  readonly deployments: number;
  readonly totals: MetricTotals;
}

/** Distinct deployments of one period, as a store reads it. */
export interface PeriodCount {
  readonly start: string;
  readonly deployments: number;
}

/** Joins per-period active counts with per-version rows; periods by start, ascending. */
export function assemblePeriods(active: readonly PeriodCount[], rows: readonly VersionTotalsRow[]): [string, PeriodFigures][] {
  const activeByStart = new Map(active.map((a) => [a.start, a.deployments]));
  const byStart = new Map<string, { deploymentsByVersion: Record<string, number>; totals: Record<string, number | null> }>();
  for (const row of rows) {
    let entry = byStart.get(row.start);
    if (entry === undefined) byStart.set(row.start, (entry = { deploymentsByVersion: {}, totals: {} }));
    entry.deploymentsByVersion[row.version] = (entry.deploymentsByVersion[row.version] ?? 0) + row.deployments;
    const totals: Readonly<Record<string, number | null>> = row.totals;
    for (const [key, value] of Object.entries(totals)) entry.totals[key] = addKnown(entry.totals[key], value);
  }
  return [...byStart.keys()].sort().map((start) => {
    const entry = byStart.get(start)!;
    const figures = {
      activeDeployments: activeByStart.get(start) ?? 0,
      deploymentsByVersion: sortKeys(entry.deploymentsByVersion),
      totals: entry.totals as MetricTotals,
    };
    return [start, figures];
  });
}

/** Figures per period (`periodOf(day)` names it) from contributions, counting only `versions` when given. */
export function figuresFromContributions(
  rows: readonly Contribution[],
  periodOf: (day: string) => string,
  versions?: readonly string[],
): [string, PeriodFigures][] {
  const only = versions !== undefined && versions.length > 0 ? new Set(versions) : undefined;
  const stacks = new Map<string, Set<string>>();
  const cells = new Map<string, { start: string; version: string; stacks: Set<string>; totals: Record<string, number | null> }>();
  for (const row of rows) {
    if (only !== undefined && !only.has(row.version)) continue;
    const start = periodOf(row.day);
    let active = stacks.get(start);
    if (active === undefined) stacks.set(start, (active = new Set()));
    active.add(row.stackId);
    const key = `${start}\u0000${row.version}`;
    let cell = cells.get(key);
    if (cell === undefined) cells.set(key, (cell = { start, version: row.version, stacks: new Set(), totals: {} }));
    cell.stacks.add(row.stackId);
    const metrics: Readonly<Record<string, number | null>> = row.metrics;
    for (const [name, value] of Object.entries(metrics)) cell.totals[name] = addKnown(cell.totals[name], value);
  }
  return assemblePeriods(
    [...stacks].map(([start, set]) => ({ start, deployments: set.size })),
    [...cells.values()].map((cell) => ({ start: cell.start, version: cell.version, deployments: cell.stacks.size, totals: cell.totals as MetricTotals })),
  );
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
