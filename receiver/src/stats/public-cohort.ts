// Which deployments count toward a public cohort: a stack id whose reports the receiver received
// on at least `minReceiptDays` distinct UTC days in the `historyDays` before an ISO week. /stats
// releases only those deployments; the signed-in dashboard offers the same rule as a filter
// (`cohort=public`, period-stats.ts). Both ask storage through `cohortWeekQuery`, so the rule
// exists once.

import type { Contribution, DayRange, PublicContributionsQuery, StorageBackend } from '../storage/storage.js';
import { addDays, isoWeekStart, parseDay } from '../storage/days.js';

export interface PublicCohortRule {
  /** Distinct UTC days (by receipt) a stack id must have reported on before the week. */
  readonly minReceiptDays: number;
  /** How many days before the week those receipt days are looked for. */
  readonly historyDays: number;
}

/** `all`: every counted report (the default); `public`: only deployments the rule admits. */
export const COHORTS = ['all', 'public'] as const;
export type Cohort = (typeof COHORTS)[number];

export const isCohort = (value: unknown): value is Cohort => (COHORTS as readonly unknown[]).includes(value);

/**
 * The storage query for the week starting `weekStart`: its days (clipped to `within`, when given)
 * counted only for the stack ids the rule admits for that week.
 */
export function cohortWeekQuery(weekStart: string, rule: PublicCohortRule, within?: DayRange): PublicContributionsQuery {
  const weekEnd = addDays(weekStart, 6);
  return {
    from: within !== undefined && within.from > weekStart ? within.from : weekStart,
    to: within !== undefined && within.to < weekEnd ? within.to : weekEnd,
    receivedFrom: addDays(weekStart, -rule.historyDays),
    receivedBefore: weekStart,
    minReceiptDays: rule.minReceiptDays,
  };
}

/**
 * The public cohort's contributions over any day range: each day counts the deployments the rule
 * admits for that day's ISO week (as on /stats). One storage query per week of the range; the
 * rule needs the raw reports, so days (and histories) past retention contribute nothing.
 */
export async function cohortContributions(
  storage: Pick<StorageBackend, 'publicContributions'>,
  range: DayRange,
  rule: PublicCohortRule,
): Promise<Contribution[]> {
  const weeks: string[] = [];
  for (let week = isoWeekStart(parseDay(range.from)!); week <= range.to; week = addDays(week, 7)) weeks.push(week);
  const parts = await Promise.all(weeks.map((week) => storage.publicContributions(cohortWeekQuery(week, rule, range))));
  return parts.flat();
}

