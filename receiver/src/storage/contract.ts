// The storage contract suite: every Storage implementation runs exactly these tests (sqlite.test.ts,
// postgres.test.ts). Expected statistics are computed here, independently, from the list of
// reports the test stored, never read back from the store under test.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_KEYS, formatUtcTimestamp, hashLeaf, zeroMetrics, type DailyReport, type ReportKey } from '@lunadefend/config';
import { DAY_MS } from '@lunadefend/config';
import { seededRandom } from '@lunadefend/testkit';
import { addDays, isoWeekStart, utcDay } from './days.js';
import type { Storage } from './storage.js';

export interface ContractTarget {
  /** A migrated, empty store of its own. */
  create(): Promise<Storage>;
  /** Removes whatever `create` made (after the stores are closed). */
  cleanup(): Promise<void>;
}

const HOUR_MS = 3_600_000;
const BASE_MS = Date.parse('2026-03-02T00:00:00Z'); // a Monday

export function makeReport(overrides: Partial<DailyReport> & { startMs?: number; windowMs?: number } = {}): DailyReport {
  const startMs = overrides.startMs ?? BASE_MS;
  const windowMs = overrides.windowMs ?? DAY_MS;
  return {
    schema_version: 1,
    report_id: overrides.report_id ?? randomUUID(),
    version: overrides.version ?? '1.4.2',
    stack_id: overrides.stack_id ?? randomUUID(),
    window: overrides.window ?? { start: formatUtcTimestamp(startMs), end: formatUtcTimestamp(startMs + windowMs) },
    metrics: overrides.metrics ?? { ...zeroMetrics(), tokenizeSuccess: 4, detokenizeSuccess: 2, createGrantSuccess: 2 },
  };
}

export interface Seeded {
  readonly report: DailyReport;
  readonly flagged: boolean;
}

/** Reports over 17 days (three ISO weeks), 6h windows, stacks that upgrade mid-range, some flagged. */
export function seedReports(): Seeded[] {
  const random = seededRandom(42);
  const stacks = Array.from({ length: 12 }, () => randomUUID());
  const out: Seeded[] = [];
  for (let day = 0; day < 17; day += 1) {
    stacks.forEach((stack, i) => {
      if (random() < 0.25) return; // not every deployment reports every day
      const upgraded = day >= 5 + i;
      // Two windows a day; on its upgrade day a stack reports under both versions.
      for (const slot of [0, 1]) {
        const version = upgraded && !(day === 5 + i && slot === 0) ? '1.5.0' : i % 3 === 0 ? '1.3.9' : '1.4.2';
        const metrics = zeroMetrics();
        for (const key of REPORT_KEYS) metrics[key] = Math.floor(random() * 1000);
        out.push({
          report: makeReport({
            stack_id: stack,
            version,
            startMs: BASE_MS + day * DAY_MS + slot * 6 * HOUR_MS,
            windowMs: 6 * HOUR_MS,
            metrics,
          }),
          flagged: random() < 0.05,
        });
      }
    });
  }
  return out;
}

interface Expected {
  active: Set<string>;
  byVersion: Map<string, Set<string>>;
  totals: Record<ReportKey, number>;
}

function expectedBy(seeded: readonly Seeded[], keyOf: (r: DailyReport) => string, versions?: readonly string[]) {
  const map = new Map<string, Expected>();
  for (const { report, flagged } of seeded) {
    if (flagged) continue;
    if (versions !== undefined && !versions.includes(report.version)) continue;
    const key = keyOf(report);
    let entry = map.get(key);
    if (entry === undefined) {
      entry = { active: new Set(), byVersion: new Map(), totals: zeroMetrics() };
      map.set(key, entry);
    }
    entry.active.add(report.stack_id);
    const set = entry.byVersion.get(report.version) ?? new Set<string>();
    set.add(report.stack_id);
    entry.byVersion.set(report.version, set);
    for (const k of REPORT_KEYS) entry.totals[k] += report.metrics[k];
  }
  return [...map.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, e]) => ({
      key,
      activeDeployments: e.active.size,
      deploymentsByVersion: Object.fromEntries([...e.byVersion.entries()].sort().map(([v, s]) => [v, s.size])),
      totals: e.totals,
    }));
}

const dayOf = (r: DailyReport): string => r.window.start.slice(0, 10);

interface ExpectedDeployment {
  stackId: string;
  versions: string[];
  firstSeen: string;
  lastSeen: string;
}

/** The deployments list computed from the stored reports: only counted reports of days in the range (and of `versions`). */
function expectedDeployments(seeded: readonly Seeded[], from: string, to: string, versions?: readonly string[]): ExpectedDeployment[] {
  const byStack = new Map<string, { versions: Set<string>; days: string[] }>();
  for (const { report, flagged } of seeded) {
    const day = dayOf(report);
    if (flagged || day < from || day > to) continue;
    if (versions !== undefined && versions.length > 0 && !versions.includes(report.version)) continue;
    const entry = byStack.get(report.stack_id) ?? { versions: new Set<string>(), days: [] };
    entry.versions.add(report.version);
    entry.days.push(day);
    byStack.set(report.stack_id, entry);
  }
  return [...byStack.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([stackId, e]) => {
      const days = e.days.slice().sort();
      return { stackId, versions: [...e.versions].sort(), firstSeen: days[0]!, lastSeen: days.at(-1)! };
    });
}

/** Ranges that cut into, skip over and fall between deployments' activity, and version filters. */
const DEPLOYMENT_QUERIES: readonly { from: string; to: string; versions?: string[] }[] = [
  { from: '2026-03-02', to: '2026-03-18' },
  { from: '2026-02-01', to: '2026-04-30' },
  { from: '2026-03-04', to: '2026-03-09' },
  { from: '2026-03-07', to: '2026-03-07' },
  { from: '2026-03-12', to: '2026-03-25' },
  { from: '2026-03-19', to: '2026-03-31' },
  { from: '2026-03-02', to: '2026-03-18', versions: ['1.5.0'] },
  { from: '2026-03-05', to: '2026-03-11', versions: ['1.3.9', '1.5.0'] },
  { from: '2026-03-08', to: '2026-03-14', versions: ['1.4.2'] },
  { from: '2026-03-02', to: '2026-03-18', versions: ['9.9.9'] },
];

/** Every query of DEPLOYMENT_QUERIES, paged by 5 and whole, equals the independent computation. */
export async function expectDeploymentsExact(storage: Storage, seeded: readonly Seeded[]): Promise<void> {
  for (const q of DEPLOYMENT_QUERIES) {
    const expected = expectedDeployments(seeded, q.from, q.to, q.versions);
    const whole = await storage.deployments({ ...q, limit: 1000, offset: 0 });
    expect(whole, JSON.stringify(q)).toEqual({ total: expected.length, deployments: expected });
    const pages: ExpectedDeployment[] = [];
    for (let offset = 0; offset < expected.length + 5; offset += 5) {
      const page = await storage.deployments({ ...q, limit: 5, offset });
      expect(page.total).toBe(expected.length);
      pages.push(...page.deployments);
    }
    expect(pages, JSON.stringify(q)).toEqual(expected);
  }
}
const weekOf = (r: DailyReport): string => isoWeekStart(Date.parse(r.window.start));
const insertOptions = (flagReason?: string) => ({
  receivedAt: new Date(BASE_MS + 40 * DAY_MS),
  flagReason,
  maxReportsPerWindow: 4,
});

/** Stores the seeded reports (flagged ones flagged), concurrently in chunks of `chunk`. */
export async function storeSeeded(storage: Storage, seeded: readonly Seeded[], chunk = 64): Promise<void> {
  for (let i = 0; i < seeded.length; i += chunk) {
    const outcomes = await Promise.all(
      seeded
        .slice(i, i + chunk)
        .map(({ report, flagged }) => storage.insertReport(report, insertOptions(flagged ? 'tokenizeSuccess above bound' : undefined))),
    );
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
  }
}

export function describeStorageContract(name: string, target: () => ContractTarget | undefined): void {
  describe(`storage contract: ${name}`, () => {
    let t: ContractTarget;
    const opened: Storage[] = [];
    const fresh = async (): Promise<Storage> => {
      const storage = await t.create();
      opened.push(storage);
      return storage;
    };

    beforeAll(() => {
      const resolved = target();
      if (resolved === undefined) throw new Error('storage target unavailable');
      t = resolved;
    });
    afterAll(async () => {
      for (const storage of opened) await storage.close();
      await t?.cleanup();
    });

    it('migrates once and reports the schema version; a second migrate applies nothing', async () => {
      const storage = await fresh();
      expect(await storage.schemaVersion()).toBeGreaterThanOrEqual(1);
      expect(await storage.migrate()).toEqual([]);
      await expect(storage.ping()).resolves.toBeUndefined();
    });

    it('stores a report once: accepted, then duplicate, and counts it once', async () => {
      const storage = await fresh();
      const report = makeReport();
      expect(await storage.insertReport(report, insertOptions())).toEqual({ status: 'accepted' });
      expect(await storage.insertReport(report, insertOptions())).toEqual({ status: 'duplicate' });
      const [day] = await storage.dailyStats({ from: '2026-03-02', to: '2026-03-02' });
      expect(day).toEqual({
        day: '2026-03-02',
        activeDeployments: 1,
        deploymentsByVersion: { '1.4.2': 1 },
        totals: report.metrics,
      });
    });

    it('stores one of 25 concurrent copies of a report', async () => {
      const storage = await fresh();
      const report = makeReport();
      const outcomes = await Promise.all(Array.from({ length: 25 }, () => storage.insertReport(report, insertOptions())));
      expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(24);
      const [day] = await storage.dailyStats({ from: '2026-03-02', to: '2026-03-02' });
      expect(day?.totals.tokenizeSuccess).toBe(report.metrics.tokenizeSuccess);
    });

    it('appends each accepted report to the log in order; a duplicate gets the stored receipt, a refused one none', async () => {
      const storage = await fresh();
      const leaf = (r: DailyReport): Buffer => hashLeaf(Buffer.from(JSON.stringify(r)));
      const stack = randomUUID();
      const reports = Array.from({ length: 5 }, () => makeReport({ stack_id: stack }));
      const outcomes = [];
      for (const r of reports) outcomes.push(await storage.insertReport(r, { ...insertOptions(), leafHash: leaf(r) }));
      expect(outcomes.slice(0, 4)).toEqual(reports.slice(0, 4).map((r, i) => ({ status: 'accepted', receipt: { leafIndex: i, leafHash: leaf(r) } })));
      expect(outcomes[4]).toEqual({ status: 'window-limit' });
      const again = await storage.insertReport(reports[2]!, { ...insertOptions(), leafHash: hashLeaf(Buffer.from('other bytes')) });
      expect(again).toEqual({ status: 'duplicate', receipt: { leafIndex: 2, leafHash: leaf(reports[2]!) } });
      expect(await storage.logLeaves(0, 100)).toEqual(reports.slice(0, 4).map(leaf));
      expect(await storage.logLeaves(3, 100)).toEqual([leaf(reports[3]!)]);
      expect(await storage.logLeafIndex(leaf(reports[1]!))).toBe(1);
      expect(await storage.logLeafIndex(leaf(reports[4]!))).toBeUndefined();
    });

    it('appends concurrent reports as one gap-free log whose order matches the receipts', async () => {
      const storage = await fresh();
      const reports = Array.from({ length: 40 }, () => makeReport());
      const leaves = reports.map((r) => hashLeaf(Buffer.from(r.report_id)));
      const outcomes = await Promise.all(reports.map((r, i) => storage.insertReport(r, { ...insertOptions(), leafHash: leaves[i] })));
      const indices = outcomes.map((o) => (o.status === 'accepted' ? o.receipt?.leafIndex : -1));
      expect([...indices].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      const log = await storage.logLeaves(0, 1000);
      expect(log).toHaveLength(40);
      indices.forEach((index, i) => expect(log[index!]).toEqual(leaves[i]));
    });

    it('keeps the log whole when retention deletes raw reports', async () => {
      const storage = await fresh();
      const reports = [makeReport({ startMs: BASE_MS }), makeReport({ startMs: BASE_MS + 9 * DAY_MS })];
      const leaves = reports.map((r) => hashLeaf(Buffer.from(r.report_id)));
      for (const [i, r] of reports.entries()) await storage.insertReport(r, { ...insertOptions(), leafHash: leaves[i] });
      expect((await storage.deleteBefore('2026-03-05')).reports).toBe(1);
      expect(await storage.logLeaves(0, 10)).toEqual(leaves);
    });

    it('keeps every catalog counter exactly, up to 2^53 − 1', async () => {
      const storage = await fresh();
      const metrics = zeroMetrics();
      REPORT_KEYS.forEach((key, i) => (metrics[key] = i === 0 ? Number.MAX_SAFE_INTEGER : 1_000_000_007 * (i + 1)));
      await storage.insertReport(makeReport({ metrics }), insertOptions());
      const [day] = await storage.dailyStats({ from: '2026-03-02', to: '2026-03-02' });
      expect(day?.totals).toEqual(metrics);
    });

    it('bounds the reports of one stack id per window, counting duplicates as nothing', async () => {
      const storage = await fresh();
      const stack = randomUUID();
      const options = { ...insertOptions(), maxReportsPerWindow: 2 };
      const first = makeReport({ stack_id: stack });
      expect((await storage.insertReport(first, options)).status).toBe('accepted');
      expect((await storage.insertReport(makeReport({ stack_id: stack, version: '1.5.0' }), options)).status).toBe('accepted');
      expect((await storage.insertReport(makeReport({ stack_id: stack, version: '1.6.0' }), options)).status).toBe('window-limit');
      expect((await storage.insertReport(first, options)).status).toBe('duplicate');
      const nextWindow = makeReport({ stack_id: stack, startMs: BASE_MS + DAY_MS });
      expect((await storage.insertReport(nextWindow, options)).status).toBe('accepted');
      const stats = await storage.dailyStats({ from: '2026-03-02', to: '2026-03-03' });
      expect(stats.map((d) => d.deploymentsByVersion)).toEqual([{ '1.4.2': 1, '1.5.0': 1 }, { '1.4.2': 1 }]);
    });

    it('keeps the per-window bound for concurrent reports of one stack id', async () => {
      const storage = await fresh();
      const stack = randomUUID();
      const reports = Array.from({ length: 12 }, (_, i) => makeReport({ stack_id: stack, version: `1.${i}.0` }));
      const outcomes = await Promise.all(reports.map((report) => storage.insertReport(report, insertOptions())));
      expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(4);
      expect(outcomes.filter((o) => o.status === 'window-limit')).toHaveLength(8);
      const [day] = await storage.dailyStats({ from: '2026-03-02', to: '2026-03-02' });
      expect(day?.activeDeployments).toBe(1);
      expect(Object.values(day?.deploymentsByVersion ?? {}).reduce((a, b) => a + b, 0)).toBe(4);
      const listed = await storage.deployments({ from: '2026-03-02', to: '2026-03-02', limit: 10, offset: 0 });
      expect(listed.total).toBe(1);
      expect(listed.deployments[0]?.versions).toHaveLength(4);
    });

    describe('on a seeded dataset', () => {
      let storage: Storage;
      const seeded = seedReports();
      const lastDay = utcDay(BASE_MS + 16 * DAY_MS);

      beforeAll(async () => {
        storage = await fresh();
        // Concurrently, in chunks, so batched writes mix stacks, versions and periods.
        await storeSeeded(storage, seeded);
      });

      it('answers daily stats equal to an independent computation, flagged reports excluded', async () => {
        const expected = expectedBy(seeded, dayOf).map(({ key, ...rest }) => ({ day: key, ...rest }));
        expect(seeded.some((s) => s.flagged)).toBe(true);
        expect(await storage.dailyStats({ from: '2026-03-02', to: lastDay })).toEqual(expected);
        // A sub-range returns exactly its days.
        const sub = await storage.dailyStats({ from: '2026-03-04', to: '2026-03-06' });
        expect(sub).toEqual(expected.filter((d) => d.day >= '2026-03-04' && d.day <= '2026-03-06'));
      });

      it('filters daily stats by version', async () => {
        const versions = ['1.5.0', '1.3.9'];
        const expected = expectedBy(seeded, dayOf, versions).map(({ key, ...rest }) => ({ day: key, ...rest }));
        expect(await storage.dailyStats({ from: '2026-03-02', to: lastDay, versions })).toEqual(expected);
        const one = expectedBy(seeded, dayOf, ['1.5.0']).map(({ key, ...rest }) => ({ day: key, ...rest }));
        expect(await storage.dailyStats({ from: '2026-03-02', to: lastDay, versions: ['1.5.0'] })).toEqual(one);
      });

      it('answers weekly stats per ISO week named by its Monday', async () => {
        const expected = expectedBy(seeded, weekOf).map(({ key, ...rest }) => ({ weekStart: key, ...rest }));
        expect(expected.map((w) => w.weekStart)).toEqual(['2026-03-02', '2026-03-09', '2026-03-16']);
        // `from` in the middle of a week still returns that whole week.
        expect(await storage.weeklyStats({ from: '2026-03-04', to: lastDay })).toEqual(expected);
      });

      it('lists deployments with their versions and first/last day, paginated, with a total', async () => {
        const byStack = new Map<string, { versions: Set<string>; days: string[] }>();
        for (const { report, flagged } of seeded) {
          if (flagged) continue;
          const entry = byStack.get(report.stack_id) ?? { versions: new Set<string>(), days: [] };
          entry.versions.add(report.version);
          entry.days.push(dayOf(report));
          byStack.set(report.stack_id, entry);
        }
        const expected = [...byStack.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([stackId, e]) => ({
            stackId,
            versions: [...e.versions].sort(),
            firstSeen: e.days.slice().sort()[0],
            lastSeen: e.days.slice().sort().at(-1),
          }));
        const page1 = await storage.deployments({ from: '2026-03-02', to: lastDay, limit: 5, offset: 0 });
        const page2 = await storage.deployments({ from: '2026-03-02', to: lastDay, limit: 100, offset: 5 });
        expect(page1.total).toBe(expected.length);
        expect([...page1.deployments, ...page2.deployments]).toEqual(expected);
        const only150 = await storage.deployments({ from: '2026-03-02', to: lastDay, versions: ['1.5.0'], limit: 100, offset: 0 });
        expect(only150.total).toBe(expected.filter((d) => d.versions.includes('1.5.0')).length);
        expect(only150.deployments.every((d) => d.versions.join() === '1.5.0')).toBe(true);
      });

      it('lists deployments exactly for ranges that cut into their activity and for version filters, paging stably', async () => {
        await expectDeploymentsExact(storage, seeded);
      });

      it('lists the versions seen in a range', async () => {
        expect(await storage.versions({ from: '2026-03-02', to: lastDay })).toEqual(['1.3.9', '1.4.2', '1.5.0']);
        expect(await storage.versions({ from: '2026-04-01', to: '2026-04-30' })).toEqual([]);
      });

      it('lists flagged reports with their reason', async () => {
        const flagged = seeded.filter((s) => s.flagged).map((s) => s.report.report_id).sort();
        const listed = await storage.flaggedReports({ from: '2026-03-02', to: lastDay, limit: 1000, offset: 0 });
        expect(listed.map((f) => f.reportId).sort()).toEqual(flagged);
        expect(listed.every((f) => f.reason === 'tokenizeSuccess above bound')).toBe(true);
      });
    });

    it('lists deployments exactly whatever order the days of a deployment arrive in', async () => {
      const storage = await fresh();
      const seeded = seedReports();
      const random = seededRandom(7);
      const shuffled = seeded.map((s) => ({ s, key: random() })).sort((a, b) => a.key - b.key).map(({ s }) => s);
      await storeSeeded(storage, shuffled, 16);
      await expectDeploymentsExact(storage, seeded);
    });

    it('keeps the deployments list exact after retention deletes the days before the cut-off', async () => {
      const storage = await fresh();
      const seeded = seedReports();
      await storeSeeded(storage, seeded);
      await storage.deleteBefore('2026-03-08');
      const kept = seeded.filter((s) => dayOf(s.report) >= '2026-03-08');
      await expectDeploymentsExact(storage, kept);
      // A report of a deleted day stored again is listed again, and only its day before the cut-off.
      const again = seeded.find((s) => !s.flagged && dayOf(s.report) === '2026-03-07')!;
      expect((await storage.insertReport(again.report, insertOptions())).status).toBe('accepted');
      await expectDeploymentsExact(storage, [...kept, again]);
    });

    it('deletes exactly the reports of days before the cut-off, keeping aggregate counters', async () => {
      const storage = await fresh();
      const days = [0, 1, 2, 3, 9];
      const reports = days.flatMap((d) => [makeReport({ startMs: BASE_MS + d * DAY_MS }), makeReport({ startMs: BASE_MS + d * DAY_MS })]);
      for (const report of reports) await storage.insertReport(report, insertOptions());
      await storage.insertReport(makeReport({ startMs: BASE_MS }), insertOptions('flagged'));
      const before = await storage.dailyStats({ from: '2026-03-01', to: '2026-03-31' });

      const result = await storage.deleteBefore('2026-03-05'); // days 0, 1, 2 go
      expect(result.reports).toBe(7);
      // Two deployments per day for three days; week 2026-03-02 still has days after the cut-off.
      expect(result.deploymentRows).toBe(6);
      // Deleted reports are gone: re-sending one is accepted again (no raw row is left). The receiver
      // itself never lets that happen: its maximum report age is far below the retention period.
      expect((await storage.insertReport(reports[0]!, insertOptions())).status).toBe('accepted');
      expect((await storage.insertReport(reports[6]!, insertOptions())).status).toBe('duplicate');
      const listed = await storage.deployments({ from: '2026-03-01', to: '2026-03-03', limit: 100, offset: 0 });
      expect(listed.deployments.map((d) => d.stackId)).toEqual([reports[0]!.stack_id]);
      // Anonymous aggregates of old days survive (one re-sent report added to 2026-03-02).
      const after = await storage.dailyStats({ from: '2026-03-01', to: '2026-03-31' });
      expect(after.map((d) => d.day)).toEqual(before.map((d) => d.day));
      expect(after[1]).toEqual(before[1]);
      expect(await storage.deleteBefore('2026-03-05')).toEqual({ reports: 1, deploymentRows: 1 });
    });

    it('gives public contributions only of stack ids received on enough distinct days before, flagged reports excluded', async () => {
      const storage = await fresh();
      const weekStart = BASE_MS + 14 * DAY_MS; // Monday 2026-03-16
      const [steady, burst, late] = [randomUUID(), randomUUID(), randomUUID()];
      const metrics = (n: number) => ({ ...zeroMetrics(), tokenizeSuccess: n, detokenizeFailure: 2 * n });
      const put = (stack: string, dayMs: number, receivedMs: number, n: number, version = '1.4.2', flag?: string) =>
        storage.insertReport(makeReport({ stack_id: stack, startMs: dayMs, windowMs: 6 * HOUR_MS, version, metrics: metrics(n) }), {
          receivedAt: new Date(receivedMs),
          flagReason: flag,
          maxReportsPerWindow: 4,
        });
      // steady: received on three distinct days in the fortnight before the week.
      for (const d of [3, 6, 10]) await put(steady, weekStart - d * DAY_MS, weekStart - d * DAY_MS + HOUR_MS, 1);
      // burst: five back-dated reports all received within one hour the day before the week.
      for (const d of [2, 3, 4, 5, 6]) await put(burst, weekStart - d * DAY_MS, weekStart - DAY_MS + d * 60_000, 1);
      // late: three receipt days, but the third is inside the week.
      for (const d of [2, 5, -1]) await put(late, weekStart - 7 * DAY_MS, weekStart - d * DAY_MS, 1, '1.4.2');
      // The week: steady upgrades on its second day (two versions that day), one flagged report.
      await put(steady, weekStart, weekStart + HOUR_MS, 5);
      await put(steady, weekStart + DAY_MS, weekStart + DAY_MS + HOUR_MS, 7);
      await put(steady, weekStart + DAY_MS + 6 * HOUR_MS, weekStart + DAY_MS + 7 * HOUR_MS, 11, '1.5.0');
      await put(steady, weekStart + DAY_MS + 12 * HOUR_MS, weekStart + DAY_MS + 13 * HOUR_MS, 13, '1.5.0');
      await put(steady, weekStart + 2 * DAY_MS, weekStart + 2 * DAY_MS + HOUR_MS, 999, '1.5.0', 'tokenizeSuccess above bound');
      for (const stack of [burst, late]) await put(stack, weekStart + 3 * DAY_MS, weekStart + 3 * DAY_MS + HOUR_MS, 17);

      const query = { from: '2026-03-16', to: '2026-03-22', receivedFrom: '2026-02-16', receivedBefore: '2026-03-16', minReceiptDays: 3 };
      expect(await storage.publicContributions(query)).toEqual([
        { stackId: steady, day: '2026-03-16', version: '1.4.2', metrics: metrics(5) },
        { stackId: steady, day: '2026-03-17', version: '1.4.2', metrics: metrics(7) },
        { stackId: steady, day: '2026-03-17', version: '1.5.0', metrics: metrics(24) },
      ]);
      // With two receipt days required, "late" qualifies too; "burst" (one receipt day) never does.
      const two = await storage.publicContributions({ ...query, minReceiptDays: 2 });
      expect(new Set(two.map((c) => c.stackId))).toEqual(new Set([steady, late]));
    });

    it('counts only the public cohort in daily stats when asked, each day by the rule of its own ISO week', async () => {
      const storage = await fresh();
      const rule = { minReceiptDays: 3, historyDays: 28 };
      const weekA = BASE_MS + 14 * DAY_MS; // Monday 2026-03-16; week B starts 2026-03-23
      const sent: { report: DailyReport; receivedMs: number; flagged: boolean }[] = [];
      const put = async (stack: string, dayMs: number, receivedMs: number, version: string, n: number, flagged = false) => {
        const metrics = { ...zeroMetrics(), tokenizeSuccess: n, tokenizeFailure: n % 3, createGrantSuccess: 2 * n };
        const report = makeReport({ stack_id: stack, startMs: dayMs, windowMs: 6 * HOUR_MS, version, metrics });
        const flagReason = flagged ? 'tokenizeSuccess above bound' : undefined;
        expect(await storage.insertReport(report, { receivedAt: new Date(receivedMs), flagReason, maxReportsPerWindow: 4 })).toMatchObject({
          status: 'accepted',
        });
        sent.push({ report, receivedMs, flagged });
      };
      const [steady, upgrader, newcomer] = [randomUUID(), randomUUID(), randomUUID()];
      const burst = Array.from({ length: 5 }, () => randomUUID());
      // steady and upgrader: a history before week A, then a report every day of both weeks.
      for (const stack of [steady, upgrader]) for (const d of [-20, -9, -2]) await put(stack, weekA + d * DAY_MS, weekA + d * DAY_MS + HOUR_MS, '1.4.2', 1);
      for (let d = 0; d < 14; d += 1) {
        const dayMs = weekA + d * DAY_MS;
        await put(steady, dayMs, dayMs + 2 * HOUR_MS, '1.4.2', 10 + d, d === 4);
        await put(upgrader, dayMs, dayMs + 2 * HOUR_MS, d < 5 ? '1.4.2' : '1.5.0', 20 + d);
        // newcomer: its first receipts fall inside week A, so it qualifies from week B on.
        await put(newcomer, dayMs, dayMs + 2 * HOUR_MS, '1.5.0', 30 + d);
      }
      // The burst: back-dated reports over both weeks, all received in one hour during week B.
      for (const [i, stack] of burst.entries()) {
        for (let d = 0; d < 14; d += 1) await put(stack, weekA + d * DAY_MS, weekA + 9 * DAY_MS + i * 60_000 + d * 1000, '1.5.0', 1000);
      }

      const qualifies = (stack: string, weekStartMs: number): boolean =>
        new Set(
          sent
            .filter((s) => !s.flagged && s.report.stack_id === stack)
            .filter((s) => s.receivedMs >= weekStartMs - rule.historyDays * DAY_MS && s.receivedMs < weekStartMs)
            .map((s) => utcDay(s.receivedMs)),
        ).size >= rule.minReceiptDays;
      const expected = (from: string, to: string, versions: string[] = []) => {
        const days = [];
        for (let day = from; day <= to; day = addDays(day, 1)) {
          const weekMs = Date.parse(`${isoWeekStart(Date.parse(`${day}T00:00:00Z`))}T00:00:00Z`);
          const counted = sent
            .filter((s) => !s.flagged && s.report.window.start.startsWith(day) && qualifies(s.report.stack_id, weekMs))
            .filter((s) => versions.length === 0 || versions.includes(s.report.version))
            .map((s) => s.report);
          if (counted.length === 0) continue;
          const byVersion: Record<string, number> = {};
          for (const c of counted) byVersion[c.version] = new Set(counted.filter((o) => o.version === c.version).map((o) => o.stack_id)).size;
          const totals = zeroMetrics();
          for (const c of counted) for (const key of REPORT_KEYS) totals[key] += c.metrics[key];
          days.push({ day, activeDeployments: new Set(counted.map((c) => c.stack_id)).size, deploymentsByVersion: byVersion, totals });
        }
        return days;
      };

      const both = await storage.dailyStats({ from: '2026-03-19', to: '2026-03-25', cohort: rule });
      expect(both).toEqual(expected('2026-03-19', '2026-03-25'));
      // Week A counts steady and upgrader; week B adds the newcomer; the burst never counts.
      expect(both.map((d) => d.activeDeployments)).toEqual([2, 1, 2, 2, 3, 3, 3]);
      const oneVersion = await storage.dailyStats({ from: '2026-03-16', to: '2026-03-29', versions: ['1.5.0'], cohort: rule });
      expect(oneVersion).toEqual(expected('2026-03-16', '2026-03-29', ['1.5.0']));
      // Unfiltered, the burst is there: five more deployments every day.
      const all = await storage.dailyStats({ from: '2026-03-19', to: '2026-03-25' });
      expect(all.map((d) => d.activeDeployments)).toEqual([8, 7, 8, 8, 8, 8, 8]);
      // Weekly, each week whole: the deployments /stats would count for it, before noise.
      const weeks = await storage.weeklyStats({ from: '2026-03-19', to: '2026-03-25', cohort: rule });
      expect(weeks.map((w) => [w.weekStart, w.activeDeployments, w.deploymentsByVersion])).toEqual([
        ['2026-03-16', 2, { '1.4.2': 2, '1.5.0': 1 }],
        ['2026-03-23', 3, { '1.4.2': 1, '1.5.0': 2 }],
      ]);
      const weekTotals = zeroMetrics();
      for (const day of expected('2026-03-23', '2026-03-29')) for (const key of REPORT_KEYS) weekTotals[key] += day.totals[key];
      expect(weeks[1]!.totals).toEqual(weekTotals);
    });

    it('keeps a block list', async () => {
      const storage = await fresh();
      const a = randomUUID();
      const b = randomUUID();
      const at = new Date('2026-03-05T10:00:00Z');
      await storage.blockStack(a, 'spam', at);
      await storage.blockStack(b, 'fake counts', at);
      await storage.blockStack(a, 'spam, confirmed', at);
      expect((await storage.blockedStacks()).sort((x, y) => (x.stackId < y.stackId ? -1 : 1))).toEqual(
        [
          { stackId: a, reason: 'spam, confirmed', blockedAt: at.toISOString() },
          { stackId: b, reason: 'fake counts', blockedAt: at.toISOString() },
        ].sort((x, y) => (x.stackId < y.stackId ? -1 : 1)),
      );
      expect(await storage.unblockStack(a)).toBe(true);
      expect(await storage.unblockStack(a)).toBe(false);
      expect((await storage.blockedStacks()).map((s) => s.stackId)).toEqual([b]);
    });

    it('closes idempotently', async () => {
      const storage = await t.create();
      await storage.close();
      await storage.close();
      await expect(storage.ping()).rejects.toThrow();
    });
  });
}
