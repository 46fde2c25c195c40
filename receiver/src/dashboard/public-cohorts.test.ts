import { REPORT_KEYS, type ReportKey } from '@lunadefend/config';
import { describe, expect, it } from 'vitest';
import type { WeeklyStats } from '../storage/storage.js';
import { OTHER_COHORT, protectWeek } from './public-cohorts.js';

const totals = Object.fromEntries(REPORT_KEYS.map((k) => [k, 5])) as Record<ReportKey, number>;
const week = (active: number, byVersion: Record<string, number>): WeeklyStats => ({
  weekStart: '2026-06-01',
  activeDeployments: active,
  deploymentsByVersion: byVersion,
  totals,
});

// A small deterministic generator, so a failure reproduces.
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('protectWeek', () => {
  it('withholds a week with fewer than k active deployments, totals included', () => {
    expect(protectWeek('2026-06-01', week(9, { '1.0.0': 9 }), 10)).toEqual({
      weekStart: '2026-06-01',
      activeDeployments: null,
      deploymentsByVersion: {},
      totals: null,
    });
    expect(protectWeek('2026-06-08', undefined, 10).activeDeployments).toBeNull();
  });

  it('lists cohorts of k or more and merges the rest into other', () => {
    const result = protectWeek('2026-06-01', week(40, { '2.0.0': 20, '1.9.0': 10, '1.8.0': 6, '1.7.0': 4 }), 10);
    expect(result.deploymentsByVersion).toEqual({ '2.0.0': 20, '1.9.0': 10, [OTHER_COHORT]: 10 });
    expect(result.totals).toEqual(totals);
  });

  it('merges the smallest listed cohort too when other could be recovered as fewer than k', () => {
    // active − listed = 3: listing 2.0.0 and 1.9.0 would reveal that 3 deployments run 1.8.0.
    const result = protectWeek('2026-06-01', week(33, { '2.0.0': 18, '1.9.0': 12, '1.8.0': 3 }), 10);
    expect(result.deploymentsByVersion).toEqual({ '2.0.0': 18, [OTHER_COHORT]: 15 });
  });

  it('counts a deployment that upgraded mid-week as the difference allows, never less than k in other', () => {
    // 12 deployments, 3 of them upgraded from 1.0.0 to 1.1.0: by version 12 + 3.
    const result = protectWeek('2026-06-01', week(12, { '1.1.0': 12, '1.0.0': 3 }), 10);
    // active − listed = 0 < k, so 1.1.0 is merged too; only "other" of 15 memberships remains.
    expect(result.deploymentsByVersion).toEqual({ [OTHER_COHORT]: 15 });
  });

  it('keeps its guarantees on many random weeks', () => {
    const random = lcg(7);
    for (let trial = 0; trial < 2000; trial += 1) {
      const k = 1 + Math.floor(random() * 15);
      const byVersion: Record<string, number> = {};
      const versions = 1 + Math.floor(random() * 6);
      for (let v = 0; v < versions; v += 1) byVersion[`1.${v}.0`] = Math.floor(random() * 3 * k);
      const sum = Object.values(byVersion).reduce((a, b) => a + b, 0);
      const largest = Math.max(...Object.values(byVersion));
      // Overlap (upgrades) makes active anything from the largest cohort up to the sum.
      const active = largest + Math.floor(random() * (sum - largest + 1));
      const result = protectWeek('2026-06-01', week(active, byVersion), k);
      if (active < k) {
        expect(result.activeDeployments).toBeNull();
        continue;
      }
      const listed = Object.entries(result.deploymentsByVersion).filter(([name]) => name !== OTHER_COHORT);
      for (const [name, count] of listed) {
        expect(count).toBe(byVersion[name]);
        expect(count).toBeGreaterThanOrEqual(k);
      }
      const other = result.deploymentsByVersion[OTHER_COHORT];
      if (other !== undefined) {
        expect(active - listed.reduce((s, [, n]) => s + n, 0)).toBeGreaterThanOrEqual(k);
        expect(other).toBeGreaterThanOrEqual(k);
      }
      // Every version with deployments is either listed or inside other.
      const unlisted = Object.entries(byVersion).filter(([name, n]) => n > 0 && !(name in result.deploymentsByVersion));
      expect(other ?? 0).toBe(unlisted.reduce((s, [, n]) => s + n, 0));
    }
  });
});
