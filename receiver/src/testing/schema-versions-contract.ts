// The report contract on a store, run against every Storage implementation (sqlite.test.ts,
// postgres.test.ts): a store of schema version 1 upgraded to the fixture version 2 by its
// mechanical migration keeps every count, stores reports of both versions side by side, and its
// statistics tell a counter no report carried (null: unknown) from one reported as zero.
// Expected totals are computed here from the reports stored, never read back from the store.

import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, type MetricCatalog, type VersionedReport } from '@lunadefend/config';
import { makeReport } from '../storage/contract.js';
import type { Migration } from '../storage/sqlite-migrations.js';
import type { Storage } from '../storage/storage.js';
import { FIXTURE_CATALOG_V2, FIXTURE_KEY } from './fixture-catalog.js';

export interface VersionedStoreTarget {
  /** A store over one and the same database on every call, built for `catalog` with `migrations`. */
  open(options: { catalog?: MetricCatalog; migrations?: readonly Migration[] }): Storage;
  /** The migration list of the fixture catalog for this backend. */
  readonly fixtureMigrations: readonly Migration[];
  cleanup(): Promise<void>;
}

const MONDAY_MS = Date.parse('2026-03-02T00:00:00Z');
const KEYS = FIXTURE_CATALOG_V2.map((e) => e.reportKey);
const OPTIONS = { receivedAt: new Date('2026-03-05T12:00:00Z'), maxReportsPerWindow: 4 };

function counters(seed: number, withFixture: number | undefined): Record<string, number> {
  const metrics: Record<string, number> = Object.fromEntries(KEYS.filter((k) => k !== FIXTURE_KEY).map((k, i) => [k, seed * 10 + i]));
  if (withFixture !== undefined) metrics[FIXTURE_KEY] = withFixture;
  return metrics;
}

function reportOn(day: number, stack: string, version: string, seed: number, fixture?: number): VersionedReport {
  const base = makeReport({ stack_id: stack, version, startMs: MONDAY_MS + day * DAY_MS });
  return { ...base, schema_version: fixture === undefined ? 1 : 2, metrics: counters(seed, fixture) };
}

/** Per key: the sum over the reports that carry it, null when none does. */
function expectedTotals(reports: readonly VersionedReport[]): Record<string, number | null> {
  return Object.fromEntries(
    KEYS.map((key) => {
      const known = reports.filter((r) => r.metrics[key] !== undefined);
      return [key, known.length === 0 ? null : known.reduce((sum, r) => sum + r.metrics[key]!, 0)];
    }),
  );
}

export function describeSchemaVersionsContract(name: string, makeTarget: () => Promise<VersionedStoreTarget>): void {
  describe(`report contract: ${name}`, () => {
    const targets: VersionedStoreTarget[] = [];
    afterAll(async () => {
      for (const target of targets) await target.cleanup();
    });

    it('upgrades a version 1 store by the mechanical migration alone, keeps every count, and sums a counter only over the reports that carry it', async () => {
      const target = await makeTarget();
      targets.push(target);
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const before = [reportOn(0, a, '1.4.2', 1), reportOn(1, a, '1.4.2', 2)];

      const v1 = target.open({});
      const released = await v1.migrate();
      for (const report of before) expect(await v1.insertReport(report, OPTIONS)).toEqual({ status: 'accepted' });
      await v1.close();

      const v2 = target.open({ catalog: FIXTURE_CATALOG_V2, migrations: target.fixtureMigrations });
      try {
        expect(await v2.migrate()).toEqual([Math.max(...released) + 1]);
        const after = [
          reportOn(1, b, '1.5.0', 3, 7), // a version 2 collector, on a day a version 1 collector also reported
          reportOn(2, b, '1.5.0', 4, 0), // a known zero
          reportOn(2, a, '1.4.2', 5), // the version 1 collector goes on reporting to the upgraded receiver
          reportOn(2, c, '1.5.0', 7), // a version 1 collector next to a version 2 one, same product version
        ];
        for (const report of after) expect(await v2.insertReport(report, OPTIONS)).toEqual({ status: 'accepted' });
        const flagged = reportOn(2, b, '1.5.0', 6, 1000);
        expect(await v2.insertReport(flagged, { ...OPTIONS, flagReason: 'above plausibility bound' })).toEqual({ status: 'accepted' });
        expect(await v2.insertReport(after[0]!, OPTIONS)).toEqual({ status: 'duplicate' });

        const all = [...before, ...after];
        const onDay = (day: number) => all.filter((r) => r.window.start.startsWith(new Date(MONDAY_MS + day * DAY_MS).toISOString().slice(0, 10)));
        const daily = await v2.dailyStats({ from: '2026-03-02', to: '2026-03-04' });
        expect(daily.map((d) => [d.day, d.totals])).toEqual([
          ['2026-03-02', expectedTotals(onDay(0))],
          ['2026-03-03', expectedTotals(onDay(1))],
          ['2026-03-04', expectedTotals(onDay(2))],
        ]);
        // Spelled out once, so the rule reads plainly: unknown before it existed, 7, then a known zero.
        expect(daily.map((d) => (d.totals as Record<string, number | null>)[FIXTURE_KEY])).toEqual([null, 7, 0]);

        const oldOnly = await v2.dailyStats({ from: '2026-03-03', to: '2026-03-03', versions: ['1.4.2'] });
        expect(oldOnly.map((d) => d.totals)).toEqual([expectedTotals(onDay(1).filter((r) => r.version === '1.4.2'))]);
        expect((oldOnly[0]!.totals as Record<string, number | null>)[FIXTURE_KEY]).toBeNull();

        const weekly = await v2.weeklyStats({ from: '2026-03-02', to: '2026-03-08' });
        expect(weekly.map((w) => [w.weekStart, w.activeDeployments, w.totals])).toEqual([['2026-03-02', 3, expectedTotals(all)]]);
      } finally {
        await v2.close();
      }
    });
  });
}
