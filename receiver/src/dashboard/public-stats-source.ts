// The figures behind /stats: up to 52 ISO weeks, each released once with differential privacy
// (../privacy/public-release.ts). A week is published only when it can no longer change: its last
// day is older than the oldest report the receiver still accepts (LUNADEFEND_MAX_REPORT_AGE plus
// the clock skew), and the history that decides which deployments qualify is still within
// retention. Fixed inputs plus noise fixed per cell make every published number final: it never
// moves between requests, so comparing or averaging answers learns nothing. Released weeks are
// kept in memory; concurrent requests share one query per week.

import { DAY_MS } from '@lunadefend/config';
import type { Storage } from '../storage/storage.js';
import { addDays, isoWeekStart } from '../storage/days.js';
import {
  OTHER_COHORT,
  describePolicy,
  releaseWeek,
  type CellNoise,
  type PublicPrivacyPolicy,
  type PublicPrivacyStatement,
  type PublicWeek,
} from '../privacy/public-release.js';
import { cohortWeekQuery, type PublicCohortRule } from '../stats/public-cohort.js';
import { compareVersions } from './daily-series.js';
import { METRIC_LABELS } from './metric-labels.js';

export const PUBLIC_WEEKS = 52;

export type { PublicCohortRule };

export interface PublicStats {
  /** Monday of the first week and Sunday of the last, 'YYYY-MM-DD'; null when no week is final yet. */
  readonly from: string | null;
  readonly to: string | null;
  readonly minCohort: number;
  readonly cohortRule: PublicCohortRule;
  readonly privacy: PublicPrivacyStatement;
  /** Cohort names used in any week, OTHER_COHORT first, then versions in order. */
  readonly cohorts: string[];
  /** Report keys in catalog order, with their labels. */
  readonly metrics: readonly { key: string; label: string }[];
  readonly weeks: PublicWeek[];
}

export interface PublicStatsSourceOptions {
  readonly storage: Pick<Storage, 'publicContributions'>;
  readonly policy: PublicPrivacyPolicy;
  readonly cohortRule: PublicCohortRule;
  readonly noise: CellNoise;
  /** Reports whose window ended longer ago are refused (plus the clock skew): after that a week is final. */
  readonly maxReportAgeMs: number;
  readonly clockSkewMs: number;
  readonly retentionDays: number;
  readonly now: () => Date;
}

export interface PublicStatsSource {
  get(): Promise<PublicStats>;
}

/** The weeks that are final and whose qualifying history is still kept, oldest first (at most 52). */
export function publicWeekStarts(now: Date, o: Pick<PublicStatsSourceOptions, 'maxReportAgeMs' | 'clockSkewMs' | 'retentionDays' | 'cohortRule'>): string[] {
  const nowMs = now.getTime();
  // The last week whose Sunday-midnight end + max age + skew has passed.
  let last = isoWeekStart(nowMs - o.maxReportAgeMs - o.clockSkewMs - 7 * DAY_MS);
  if (Date.parse(`${addDays(last, 7)}T00:00:00Z`) + o.maxReportAgeMs + o.clockSkewMs > nowMs) last = addDays(last, -7);
  // Retention deletes days before today − retentionDays (+1 day of margin for the daily run).
  const oldestKept = addDays(new Date(nowMs).toISOString().slice(0, 10), -o.retentionDays + 1);
  const starts: string[] = [];
  for (let week = last; starts.length < PUBLIC_WEEKS && addDays(week, -o.cohortRule.historyDays) >= oldestKept; week = addDays(week, -7)) {
    starts.unshift(week);
  }
  return starts;
}

export function createPublicStatsSource(options: PublicStatsSourceOptions): PublicStatsSource {
  const released = new Map<string, Promise<PublicWeek>>();
  const privacy = describePolicy(options.policy);
  const { cohortRule } = options;

  const release = (weekStart: string): Promise<PublicWeek> => {
    let week = released.get(weekStart);
    if (week === undefined) {
      week = options.storage
        .publicContributions(cohortWeekQuery(weekStart, cohortRule))
        .then((rows) => releaseWeek(weekStart, rows, options.policy, options.noise));
      released.set(weekStart, week);
      // A failed query is not kept: the next request asks again.
      week.catch(() => released.delete(weekStart));
    }
    return week;
  };

  return {
    async get() {
      const starts = publicWeekStarts(options.now(), options);
      for (const start of released.keys()) if (!starts.includes(start)) released.delete(start);
      const weeks = await Promise.all(starts.map(release));
      const names = new Set(weeks.flatMap((week) => Object.keys(week.deploymentsByVersion)));
      const versions = [...names].filter((name) => name !== OTHER_COHORT).sort(compareVersions);
      const cohorts = names.has(OTHER_COHORT) ? [OTHER_COHORT, ...versions] : versions;
      return {
        from: starts[0] ?? null,
        to: starts.length === 0 ? null : addDays(starts[starts.length - 1]!, 6),
        minCohort: options.policy.minCohort,
        cohortRule,
        privacy,
        cohorts,
        metrics: METRIC_LABELS,
        weeks,
      };
    },
  };
}
