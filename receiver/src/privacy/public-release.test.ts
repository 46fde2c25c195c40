// One week's release, pure: who counts once, what is clamped, what is withheld, what is stable.

import { randomUUID } from 'node:crypto';
import { REPORT_KEYS, zeroMetrics } from '@lunadefend/config';
import { describe, expect, it } from 'vitest';
import type { Contribution } from '../storage/storage.js';
import { parseEpsilon } from './calibration.js';
import { createCellNoise } from './cell-noise.js';
import { describePolicy, releaseWeek, type PublicPrivacyPolicy } from './public-release.js';

const policy: PublicPrivacyPolicy = {
  epsilon: parseEpsilon('1')!,
  delta: 1e-6,
  clampPerDay: Object.fromEntries(REPORT_KEYS.map((k) => [k, 10_000])) as PublicPrivacyPolicy['clampPerDay'],
  minCohort: 10,
};
const { noise } = createCellNoise('public-release-test-key-0123456789abcdef');
const margins = describePolicy(policy).margins;

const contribution = (stackId: string, day: string, version: string, tokenizeSuccess: number): Contribution => ({
  stackId,
  day,
  version,
  metrics: { ...zeroMetrics(), tokenizeSuccess },
});

describe('releaseWeek', () => {
  it('counts a deployment that upgraded within the week once, under its last version', () => {
    const rows = Array.from({ length: 60 }, () => randomUUID()).flatMap((stack) => [
      contribution(stack, '2026-06-01', '1.0.0', 1),
      contribution(stack, '2026-06-03', '1.1.0', 1),
    ]);
    const week = releaseWeek('2026-06-01', rows, policy, noise);
    expect(Math.abs(week.activeDeployments! - 60)).toBeLessThanOrEqual(margins.activeDeployments);
    expect(week.deploymentsByVersion['1.0.0']).toBeUndefined();
    expect(Math.abs(week.deploymentsByVersion['1.1.0']! - 60)).toBeLessThanOrEqual(margins.versionCount);
  });

  it('clamps each deployment per day, so one huge deployment cannot dominate a total', () => {
    const rows = Array.from({ length: 50 }, (_, i) => contribution(randomUUID(), '2026-06-02', '1.0.0', i === 0 ? 1_000_000_000 : 100));
    const week = releaseWeek('2026-06-01', rows, policy, noise);
    const clampedTruth = 10_000 + 49 * 100;
    expect(Math.abs(week.totals!.tokenizeSuccess - clampedTruth)).toBeLessThanOrEqual(margins.totals.tokenizeSuccess);
  });

  it('withholds a week of three deployments and releases the same numbers every time', () => {
    const few = Array.from({ length: 3 }, () => contribution(randomUUID(), '2026-06-02', '1.0.0', 5));
    expect(releaseWeek('2026-06-08', few, policy, noise)).toEqual({ weekStart: '2026-06-08', activeDeployments: null, deploymentsByVersion: {}, totals: null });
    const many = Array.from({ length: 40 }, () => contribution(randomUUID(), '2026-06-02', '1.0.0', 5));
    expect(releaseWeek('2026-06-01', many, policy, noise)).toEqual(releaseWeek('2026-06-01', [...many].reverse(), policy, noise));
  });

  it('states ε per week, the naming threshold and margins that follow from ε, δ and the clamp', () => {
    const statement = describePolicy(policy);
    expect(statement).toMatchObject({ epsilonPerNumber: 1, numbersPerWeek: 8, epsilonPerWeek: 8, versionThreshold: 15 });
    // Scale 1: P(|X| > 4) = 2e^-5/(1+e^-1) ≈ 0.0098 ≤ 1%, P(|X| > 3) ≈ 0.027 > 1%.
    expect(statement.margins.activeDeployments).toBe(4);
    expect(parseEpsilon('0.25')).toEqual({ num: 1n, den: 4n });
    expect(parseEpsilon('0')).toBeUndefined();
    expect(parseEpsilon('1e-3')).toBeUndefined();
  });
});
