// One week of public statistics, released with differential privacy. The privacy unit is one
// deployment (stack id) over one ISO week; each published number is ε-differentially private on
// its own, so a week costs `NUMBERS_PER_WEEK`·ε, plus δ for naming versions:
//
// - active deployments: the count of qualifying stack ids + discrete Laplace noise of scale 1/ε;
//   the week is withheld when the *noisy* count is below k (a decision on a private value only);
// - deployments per version: each deployment counts under one version only (that of its last day
//   in the week), so the histogram has sensitivity 1 and costs ε in all; a version is named only
//   when its noisy count reaches τ = max(k, the threshold at which a version held by one
//   deployment is named with probability ≤ δ). "other" is the noisy active count minus the named
//   ones — arithmetic on released numbers, which costs nothing;
// - counter totals: each deployment's counters are clamped per UTC day at the published bound C,
//   so its weekly contribution is at most 7·C and the noise scale is 7·C/ε.
//
// Noise comes from the cell's own keyed random stream (week, number), so a released number is
// the same on every request, replica and restart: averaging requests learns nothing. Negative
// noisy values are shown as 0 (post-processing).

import { REPORT_KEYS, zeroMetrics, type ReportKey } from '@lunadefend/config';
import { compareVersions } from '../dashboard/daily-series.js';
import type { Contribution } from '../storage/storage.js';
import { laplaceParameters, laplaceScale, marginAt, selectionThreshold, type Rational } from './calibration.js';
import { sampleDiscreteLaplace } from './discrete-laplace.js';
import type { RandomSource } from './random-source.js';

export const OTHER_COHORT = 'other';
/** Active deployments, the version histogram and the six counter totals. */
export const NUMBERS_PER_WEEK = 2 + REPORT_KEYS.length;
/** Confidence of the stated margins: a published number is within ±margin of the truth this often. */
export const MARGIN_CONFIDENCE = 0.99;
const DAYS_PER_WEEK = 7;

export interface PublicPrivacyPolicy {
  /** ε of each published number. */
  readonly epsilon: Rational;
  /** Probability that a version held by a single deployment is named. */
  readonly delta: number;
  /** Per-deployment, per-UTC-day bound of each counter. */
  readonly clampPerDay: Readonly<Record<ReportKey, number>>;
  /** k: no week with a noisy active count below it, no version named below it. */
  readonly minCohort: number;
}

export interface PublicWeek {
  readonly weekStart: string;
  /** null: the noisy active count was below k, so the week is withheld. */
  readonly activeDeployments: number | null;
  /** Named versions and OTHER_COHORT; empty when withheld. */
  readonly deploymentsByVersion: Record<string, number>;
  readonly totals: Record<ReportKey, number> | null;
}

/** What the page states about the mechanism. */
export interface PublicPrivacyStatement {
  readonly mechanism: 'discrete Laplace';
  readonly epsilonPerNumber: number;
  readonly numbersPerWeek: number;
  readonly epsilonPerWeek: number;
  readonly delta: number;
  readonly clampPerDay: Record<ReportKey, number>;
  readonly versionThreshold: number;
  readonly marginConfidence: number;
  readonly margins: { readonly activeDeployments: number; readonly versionCount: number; readonly totals: Record<ReportKey, number> };
}

/** The noise stream of one released cell. */
export type CellNoise = (cell: string) => RandomSource;

export function describePolicy(policy: PublicPrivacyPolicy): PublicPrivacyStatement {
  const eps = Number(policy.epsilon.num) / Number(policy.epsilon.den);
  const countScale = laplaceScale(1, policy.epsilon);
  const totals = zeroMetrics();
  const margins = zeroMetrics();
  for (const key of REPORT_KEYS) {
    totals[key] = policy.clampPerDay[key];
    margins[key] = marginAt(laplaceScale(DAYS_PER_WEEK * policy.clampPerDay[key], policy.epsilon), MARGIN_CONFIDENCE);
  }
  return {
    mechanism: 'discrete Laplace',
    epsilonPerNumber: eps,
    numbersPerWeek: NUMBERS_PER_WEEK,
    epsilonPerWeek: Math.round(eps * NUMBERS_PER_WEEK * 1e6) / 1e6,
    delta: policy.delta,
    clampPerDay: totals,
    versionThreshold: Math.max(policy.minCohort, selectionThreshold(countScale, policy.delta)),
    marginConfidence: MARGIN_CONFIDENCE,
    margins: { activeDeployments: marginAt(countScale, MARGIN_CONFIDENCE), versionCount: marginAt(countScale, MARGIN_CONFIDENCE), totals: margins },
  };
}

/** Releases one week from its qualifying contributions (any order). */
export function releaseWeek(weekStart: string, contributions: readonly Contribution[], policy: PublicPrivacyPolicy, noise: CellNoise): PublicWeek {
  const noisy = (cell: string, truth: number, sensitivity: number): number => {
    const { s, t } = laplaceParameters(sensitivity, policy.epsilon);
    return Math.max(0, truth + Number(sampleDiscreteLaplace(noise(`${weekStart}/${cell}`), s, t)));
  };

  // Each deployment's version: that of its last day in the week (the greatest version that day).
  const lastVersion = new Map<string, { day: string; version: string }>();
  const perDay = new Map<string, Record<ReportKey, number>>();
  for (const c of contributions) {
    const seen = lastVersion.get(c.stackId);
    if (seen === undefined || c.day > seen.day || (c.day === seen.day && compareVersions(c.version, seen.version) > 0)) {
      lastVersion.set(c.stackId, { day: c.day, version: c.version });
    }
    const key = `${c.stackId}/${c.day}`;
    const sums = perDay.get(key) ?? zeroMetrics();
    for (const k of REPORT_KEYS) sums[k] += c.metrics[k];
    perDay.set(key, sums);
  }

  const active = noisy('active', lastVersion.size, 1);
  if (active < policy.minCohort) return { weekStart, activeDeployments: null, deploymentsByVersion: {}, totals: null };

  const byVersion = new Map<string, number>();
  for (const { version } of lastVersion.values()) byVersion.set(version, (byVersion.get(version) ?? 0) + 1);
  const threshold = describePolicy(policy).versionThreshold;
  const named: [string, number][] = [];
  for (const [version, count] of byVersion) {
    const value = noisy(`version/${version}`, count, 1);
    if (value >= threshold) named.push([version, value]);
  }
  named.sort((a, b) => compareVersions(a[0], b[0]));
  const deploymentsByVersion: Record<string, number> = Object.fromEntries(named);
  deploymentsByVersion[OTHER_COHORT] = Math.max(0, active - named.reduce((sum, [, n]) => sum + n, 0));

  const clamped = zeroMetrics();
  for (const sums of perDay.values()) for (const k of REPORT_KEYS) clamped[k] += Math.min(sums[k], policy.clampPerDay[k]);
  const totals = zeroMetrics();
  for (const k of REPORT_KEYS) totals[k] = noisy(`total/${k}`, clamped[k], DAYS_PER_WEEK * policy.clampPerDay[k]);
  return { weekStart, activeDeployments: active, deploymentsByVersion, totals };
}
