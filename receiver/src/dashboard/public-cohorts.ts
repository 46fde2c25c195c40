// Small-cohort protection for the public /stats page. Pure; the rules, for one week with k = the
// configured minimum cohort:
//
// 1. Fewer than k active deployments (including none): the whole week is withheld (every figure
//    null), because even the fleet-wide totals would then describe a handful of operators.
// 2. A version seen on fewer than k deployments is never named nor counted on its own: it joins
//    "other". Only versions with at least k deployments are listed by name.
// 3. "other" must not itself be a small cohort, and it must not be recoverable by subtraction
//    (active − the listed versions). That difference, active − Σ listed, is a lower bound on the
//    number of distinct deployments in "other" (every active deployment runs at least one
//    version, and a deployment on a listed version may also appear in "other" after an upgrade).
//    While that bound is below k, the smallest listed version is moved into "other" as well.
//    This always ends: with nothing listed the bound is the whole week's active count, which is
//    at least k by rule 1. So the public sees "other" only when it provably holds ≥ k distinct
//    deployments, and it sees neither its members' names nor their individual counts.
// 4. The figure published for "other" is the sum of its versions' counts (a deployment that
//    upgraded within the week counts under each version it ran, as everywhere on this page).
//
// Weeks are computed independently, so a version can be listed one week and merged the next;
// comparing weeks gives only estimates over different sets of deployments, never a small
// cohort's count.

import type { ReportKey } from '@lunadefend/config';
import type { WeeklyStats } from '../storage/storage.js';

export const OTHER_COHORT = 'other';

export interface PublicWeek {
  readonly weekStart: string;
  /** null: fewer than k deployments were active, so the week is withheld. */
  readonly activeDeployments: number | null;
  /** Listed versions (each ≥ k deployments) and, when needed, OTHER_COHORT; empty when withheld. */
  readonly deploymentsByVersion: Record<string, number>;
  readonly totals: Record<ReportKey, number> | null;
}

export function protectWeek(weekStart: string, week: WeeklyStats | undefined, minCohort: number): PublicWeek {
  if (week === undefined || week.activeDeployments < minCohort) {
    return { weekStart, activeDeployments: null, deploymentsByVersion: {}, totals: null };
  }
  const cohorts = Object.entries(week.deploymentsByVersion).filter(([, count]) => count > 0);
  const listed = cohorts.filter(([, count]) => count >= minCohort).sort((a, b) => a[1] - b[1]);
  const merged = cohorts.filter(([, count]) => count < minCohort);
  const listedSum = (): number => listed.reduce((sum, [, count]) => sum + count, 0);
  if (merged.length > 0) {
    while (listed.length > 0 && week.activeDeployments - listedSum() < minCohort) {
      const smallest = listed.shift();
      if (smallest !== undefined) merged.push(smallest);
    }
  }
  const deploymentsByVersion: Record<string, number> = Object.fromEntries(listed);
  if (merged.length > 0) deploymentsByVersion[OTHER_COHORT] = merged.reduce((sum, [, count]) => sum + count, 0);
  return { weekStart, activeDeployments: week.activeDeployments, deploymentsByVersion, totals: { ...week.totals } };
}
