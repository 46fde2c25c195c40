// The figures behind /stats: the last 52 complete ISO weeks (the running week is left out, as its
// numbers would still grow), each passed through the small-cohort rules. The answer is cached
// for `cacheMs` and concurrent requests share one query, so a public page cannot be used to load
// the database; the figures only change once a day anyway.

import type { Storage } from '../storage/storage.js';
import { compareVersions } from './daily-series.js';
import { METRIC_LABELS } from './metric-labels.js';
import { OTHER_COHORT, type PublicWeek, protectWeek } from './public-cohorts.js';
import { addDays, isoWeekStart } from '../storage/days.js';

export const PUBLIC_WEEKS = 52;

export interface PublicStats {
  /** Monday of the first week and Sunday of the last, 'YYYY-MM-DD'. */
  readonly from: string;
  readonly to: string;
  readonly minCohort: number;
  /** Cohort names used in any week, OTHER_COHORT first, then versions in order. */
  readonly cohorts: string[];
  /** Report keys in catalog order, with their labels. */
  readonly metrics: readonly { key: string; label: string }[];
  readonly weeks: PublicWeek[];
}

export interface PublicStatsSourceOptions {
  readonly storage: Pick<Storage, 'weeklyStats'>;
  readonly minCohort: number;
  readonly now: () => Date;
  readonly cacheMs: number;
}

export interface PublicStatsSource {
  get(): Promise<PublicStats>;
}

export function publicWeekRange(now: Date): { from: string; to: string; weekStarts: string[] } {
  const currentWeek = isoWeekStart(now.getTime());
  const from = addDays(currentWeek, -7 * PUBLIC_WEEKS);
  const weekStarts = Array.from({ length: PUBLIC_WEEKS }, (_, i) => addDays(from, 7 * i));
  return { from, to: addDays(currentWeek, -1), weekStarts };
}

export function createPublicStatsSource(options: PublicStatsSourceOptions): PublicStatsSource {
  let cached: { key: string; at: number; value: Promise<PublicStats> } | undefined;

  const load = async (from: string, to: string, weekStarts: string[]): Promise<PublicStats> => {
    const rows = await options.storage.weeklyStats({ from, to });
    const byWeek = new Map(rows.map((row) => [row.weekStart, row]));
    const weeks = weekStarts.map((start) => protectWeek(start, byWeek.get(start), options.minCohort));
    const names = new Set(weeks.flatMap((week) => Object.keys(week.deploymentsByVersion)));
    const versions = [...names].filter((name) => name !== OTHER_COHORT).sort(compareVersions);
    const cohorts = names.has(OTHER_COHORT) ? [OTHER_COHORT, ...versions] : versions;
    return { from, to, minCohort: options.minCohort, cohorts, metrics: METRIC_LABELS, weeks };
  };

  return {
    get() {
      const now = options.now();
      const { from, to, weekStarts } = publicWeekRange(now);
      const key = `${from}/${to}`;
      if (cached === undefined || cached.key !== key || now.getTime() - cached.at >= options.cacheMs) {
        const value = load(from, to, weekStarts);
        cached = { key, at: now.getTime(), value };
        // A failed query must not be served from the cache until it expires.
        value.catch(() => {
          if (cached?.value === value) cached = undefined;
        });
      }
      return cached.value;
    },
  };
}
