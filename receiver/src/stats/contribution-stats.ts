// Per-period figures from per-deployment contributions (one row per stack id, day and version):
// how the public-cohort filter counts, since the aggregate tables do not know who qualifies. The
// figures mean what the aggregates' do: distinct stack ids per period and per version, and counter
// sums that stay null where no report carried the counter.

import type { MetricTotals } from '@lunadefend/config';
import { assemblePeriods, type PeriodStats, type VersionRow } from '../storage/assemble.js';
import { addKnown } from '../storage/columns.js';
import type { Contribution } from '../storage/storage.js';

/** Figures per period (`periodOf(day)` names it), counting only `versions` when given and non-empty. */
export function periodsFromContributions(
  rows: readonly Contribution[],
  periodOf: (day: string) => string,
  versions?: readonly string[],
): PeriodStats[] {
  const only = versions !== undefined && versions.length > 0 ? new Set(versions) : undefined;
  const stacks = new Map<string, Set<string>>();
  const byVersion = new Map<string, { start: string; version: string; stacks: Set<string>; totals: Record<string, number | null> }>();
  for (const row of rows) {
    if (only !== undefined && !only.has(row.version)) continue;
    const start = periodOf(row.day);
    let active = stacks.get(start);
    if (active === undefined) stacks.set(start, (active = new Set()));
    active.add(row.stackId);
    const key = `${start}\u0000${row.version}`;
    let cell = byVersion.get(key);
    if (cell === undefined) byVersion.set(key, (cell = { start, version: row.version, stacks: new Set(), totals: {} }));
    cell.stacks.add(row.stackId);
    const metrics: Readonly<Record<string, number | null>> = row.metrics;
    for (const [name, value] of Object.entries(metrics)) cell.totals[name] = addKnown(cell.totals[name], value);
  }
  const versionRows: VersionRow[] = [...byVersion.values()].map((cell) => ({
    start: cell.start,
    version: cell.version,
    deployments: cell.stacks.size,
    totals: cell.totals as MetricTotals,
  }));
  return assemblePeriods(new Map([...stacks].map(([start, set]) => [start, set.size])), versionRows);
}
