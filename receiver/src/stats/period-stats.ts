// Daily and weekly statistics, computed here once for every store. A store provides two small
// SQL primitives over its per-period aggregate tables (`periodVersionTotals`,
// `periodActiveDeployments`) and the per-deployment `publicContributions`; everything else — the
// single-version shortcut, weeks named by their Monday, assembling the figures, the public-cohort
// filter — is this module's. `withStats` turns a store's primitives into the full `Storage`.

import { addDays, isoWeekStart, parseDay } from '../storage/days.js';
import type { DayRange, Period, Storage, StorageBackend, VersionFilter } from '../storage/storage.js';
import { assemblePeriods, figuresFromContributions, type PeriodFigures } from './period-figures.js';
import { cohortContributions, type PublicCohortRule } from './public-cohort.js';

/** One UTC day of figures. Days without counted reports are omitted. */
export type DailyStats = { readonly day: string } & PeriodFigures;
/** One ISO week (Monday to Sunday, UTC), named by its Monday. Weeks without counted reports are omitted. */
export type WeeklyStats = { readonly weekStart: string } & PeriodFigures;

export interface StatsQuery extends VersionFilter {
  /** Only the deployments this rule admits to a public cohort (all when absent). */
  readonly cohort?: PublicCohortRule | undefined;
}

type Primitives = Pick<StorageBackend, 'periodVersionTotals' | 'periodActiveDeployments' | 'publicContributions'>;

async function figures(store: Primitives, period: Period, range: DayRange, query: StatsQuery): Promise<[string, PeriodFigures][]> {
  const { versions, cohort } = query;
  if (cohort !== undefined) {
    const rows = await cohortContributions(store, range, cohort);
    return figuresFromContributions(rows, period === 'day' ? (day) => day : (day) => isoWeekStart(parseDay(day)!), versions);
  }
  // For one version, its distinct deployments are the active ones: no scan of per-deployment rows.
  const oneVersion = versions?.length === 1;
  const [rows, active] = await Promise.all([
    store.periodVersionTotals(period, range, versions),
    oneVersion ? undefined : store.periodActiveDeployments(period, range, versions),
  ]);
  return assemblePeriods(active ?? rows, rows);
}

export async function dailyStats(store: Primitives, query: StatsQuery): Promise<DailyStats[]> {
  return (await figures(store, 'day', query, query)).map(([day, f]) => ({ day, ...f }));
}

/** The ISO weeks overlapping the range, each whole (a week is counted from its Monday to its Sunday). */
export async function weeklyStats(store: Primitives, query: StatsQuery): Promise<WeeklyStats[]> {
  const from = isoWeekStart(parseDay(query.from)!);
  const range = { from, to: query.cohort === undefined ? query.to : addDays(isoWeekStart(parseDay(query.to)!), 6) };
  return (await figures(store, 'week', range, query)).map(([weekStart, f]) => ({ weekStart, ...f }));
}

/** A store's primitives plus the statistics computed from them. */
export function withStats(backend: StorageBackend): Storage {
  return { ...backend, dailyStats: (query) => dailyStats(backend, query), weeklyStats: (query) => weeklyStats(backend, query) };
}
