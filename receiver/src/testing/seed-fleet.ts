// Seed data for the dashboard's tests: a small, deterministic fleet written through the storage's
// own insert method, and the figures a test expects, computed here by plain counting over the
// seed list (never by the dashboard's own shaping code).

import { randomUUID } from 'node:crypto';
import { REPORT_KEYS, type DailyReport, type ReportKey } from '@lunadefend/config';
import type { Storage } from '../storage/storage.js';

export interface SeedReport {
  readonly day: string;
  readonly stackId: string;
  readonly version: string;
  readonly metrics: Record<ReportKey, number>;
  /** When the receiver got it; default: the time given to insertSeeds. */
  readonly receivedAt?: Date;
}

export function toDailyReport(seed: SeedReport): DailyReport {
  const start = `${seed.day}T00:00:00Z`;
  const end = new Date(Date.parse(start) + 86_400_000).toISOString().replace('.000Z', 'Z');
  return {
    schema_version: 1,
    report_id: randomUUID(),
    version: seed.version,
    stack_id: seed.stackId,
    window: { start, end },
    metrics: { ...seed.metrics },
  };
}

export async function insertSeeds(storage: Storage, seeds: readonly SeedReport[], receivedAt: Date): Promise<void> {
  for (const seed of seeds) {
    const outcome = await storage.insertReport(toDailyReport(seed), { receivedAt: seed.receivedAt ?? receivedAt, maxReportsPerWindow: 10 });
    if (outcome.status !== 'accepted') throw new Error(`seed report not accepted: ${outcome.status}`);
  }
}

/** Counters that differ per stack and day, with some failures, so every series has a shape. */
export function seedMetrics(stackIndex: number, dayIndex: number): Record<ReportKey, number> {
  const base = (stackIndex + 1) * 10 + dayIndex * 3;
  const values: Record<string, number> = {};
  REPORT_KEYS.forEach((key, k) => {
    values[key] = key.endsWith('Failure') ? (stackIndex + dayIndex + k) % 4 : base + k * 7;
  });
  return values as Record<ReportKey, number>;
}

/** Expected per-day figures by plain counting over the seeds of the given versions (all when empty). */
export function expectedDaily(seeds: readonly SeedReport[], day: string, versions: readonly string[] = []) {
  const ofDay = seeds.filter((s) => s.day === day && (versions.length === 0 || versions.includes(s.version)));
  const stacksByVersion = new Map<string, Set<string>>();
  for (const s of ofDay) stacksByVersion.set(s.version, (stacksByVersion.get(s.version) ?? new Set()).add(s.stackId));
  const totals = Object.fromEntries(REPORT_KEYS.map((key) => [key, ofDay.reduce((sum, s) => sum + s.metrics[key], 0)]));
  return {
    activeDeployments: new Set(ofDay.map((s) => s.stackId)).size,
    deploymentsByVersion: Object.fromEntries([...stacksByVersion].map(([v, stacks]) => [v, stacks.size])),
    totals: totals as Record<ReportKey, number>,
  };
}

/**
 * The dashboard's fleet over `days` (14 or more consecutive UTC days): eight stacks on 1.0.0, of
 * which three upgrade to 1.1.0 on day 7 (reporting both versions that day); one of them reports
 * only on even days; four stacks on 1.2.0 join on day 10.
 */
export function dashboardFleet(days: readonly string[]): SeedReport[] {
  const stacks = Array.from({ length: 12 }, () => randomUUID());
  const seeds: SeedReport[] = [];
  days.forEach((day, d) => {
    for (let s = 0; s < 8; s += 1) {
      if (s === 5 && d % 2 === 1) continue;
      const versions = s < 3 ? (d < 7 ? ['1.0.0'] : d === 7 ? ['1.0.0', '1.1.0'] : ['1.1.0']) : ['1.0.0'];
      for (const version of versions) seeds.push({ day, stackId: stacks[s]!, version, metrics: seedMetrics(s, d) });
    }
    if (d >= 10) {
      for (let s = 8; s < 12; s += 1) seeds.push({ day, stackId: stacks[s]!, version: '1.2.0', metrics: seedMetrics(s, d) });
    }
  });
  return seeds;
}

const addDay = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * One report per deployment on the Wednesday of `weekStart`, for each version's cohort size. Each
 * deployment has a history that qualifies it for /stats: reports received on three distinct days
 * in the four weeks before (days −20, −19 and −18, so no history report falls into another
 * cohort week of publicCohortFleet).
 */
export function cohortWeek(weekStart: string, cohorts: Record<string, number>): SeedReport[] {
  const wednesday = addDay(weekStart, 2);
  return Object.entries(cohorts).flatMap(([version, size]) =>
    Array.from({ length: size }, (_, i) => {
      const stackId = randomUUID();
      const history = [-20, -19, -18].map((offset) => ({
        day: addDay(weekStart, offset),
        stackId,
        version,
        metrics: seedMetrics(i, 0),
        receivedAt: new Date(`${addDay(weekStart, offset + 1)}T01:00:00Z`),
      }));
      return [...history, { day: wednesday, stackId, version, metrics: seedMetrics(i, 0) }];
    }).flat(),
  );
}

/**
 * Cohorts in June 2026: three consecutive weeks with two versions far above the naming threshold
 * and small ones beside them, then a week too small to publish. (A history falling into an
 * earlier cohort week does not count there: its deployment does not qualify yet.)
 */
export function publicCohortFleet(): SeedReport[] {
  return [
    ...cohortWeek('2026-06-01', { '3.0.0': 40, '2.9.0': 30, '2.8.0': 4, '2.7.0': 2 }),
    ...cohortWeek('2026-06-08', { '3.0.0': 45, '2.9.0': 25, '2.8.0': 3 }),
    ...cohortWeek('2026-06-15', { '3.0.0': 50, '2.9.0': 28 }),
    ...cohortWeek('2026-06-22', { '3.0.0': 3, '3.1.0': 2 }),
  ];
}

/** Versions of publicCohortFleet and dashboardFleet that must never be named on /stats. */
export const SMALL_VERSIONS = ['2.8.0', '2.7.0', '3.1.0', '1.0.0', '1.1.0', '1.2.0'];
