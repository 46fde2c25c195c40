// The dashboard's figures and the public page over HTTP, on the real receiver with each storage
// (SQLite always; PostgreSQL when reachable, required under CI=true): every value is compared
// with counts computed from the seed list, and /stats is checked against cohorts seeded around k.

import { REPORT_KEYS } from '@lunadefend/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentsPage } from '../storage/storage.js';
import type { DailySeries } from './daily-series.js';
import { OTHER_COHORT } from '../privacy/public-release.js';
import type { PublicStats } from './public-stats-source.js';
import { securityHeaderProblems, signIn } from '../testing/http-client.js';
import { SMALL_VERSIONS, dashboardFleet, expectedDaily, insertSeeds, publicCohortFleet } from '../testing/seed-fleet.js';
import { storagesUnderTest, type StorageUnderTest } from '../testing/storages-under-test.js';
import { startDashboardReceiver, type DashboardReceiver } from '../testing/dashboard-receiver.js';
import { eachDay } from './utc-days.js';

const TOKEN = 'dashboard-data-admin-token-0123456789abcdef';
const K = 10;
const DAYS = eachDay('2026-11-10', '2026-11-23');
const NOW = new Date('2026-11-25T12:00:00Z');

type DailyBody = DailySeries & { availableVersions: string[]; selectedVersions: string[] };
type ErrorBody = { error: string; details: { path?: string; message: string }[] };
const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

const storages = await storagesUnderTest('dashboard data');

describe.each(storages)('dashboard data on $kind', (storageUnderTest) => {
  const fleet = dashboardFleet(DAYS);
  const cohortSeeds = publicCohortFleet();
  const allStackIds = [...new Set([...fleet, ...cohortSeeds].map((s) => s.stackId))];
  let t: DashboardReceiver;
  let opened: Awaited<ReturnType<StorageUnderTest['open']>> | undefined;
  let cookie: string;

  beforeAll(async () => {
    opened = await storageUnderTest.open();
    // A fixed noise key: the assertions on noised numbers hold or fail the same on every run.
    t = await startDashboardReceiver({ adminToken: TOKEN, publicMinCohort: K, storage: opened.storage, now: () => NOW, config: { publicNoiseKey: 'dashboard-data-test-noise-key-000001' } });
    await insertSeeds(t.receiver.storage, [...fleet, ...cohortSeeds], NOW);
    cookie = await signIn(t.url, TOKEN);
  });
  afterAll(async () => {
    await t?.close();
    await opened?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${t.url}${path}`, { redirect: 'manual', headers });

  const daily = async (query: string): Promise<DailyBody> => {
    const res = await get(`/dashboard/api/daily?${query}`, { cookie });
    expect(securityHeaderProblems(res)).toEqual([]);
    expect(res.status).toBe(200);
    return json<DailyBody>(res);
  };

  it('answers per-day figures equal to counts computed from the seed, for all and for some versions', async () => {
    for (const versions of [[], ['1.1.0', '1.2.0']]) {
      const query = `from=${DAYS[0]}&to=${DAYS.at(-1)}${versions.length > 0 ? `&versions=${versions.join(',')}` : ''}`;
      const body = await daily(query);
      expect(body.days).toEqual(DAYS);
      DAYS.forEach((day, i) => {
        const expected = expectedDaily(fleet, day, versions);
        expect(body.activeDeployments[i]).toBe(expected.activeDeployments);
        for (const version of body.versions) {
          expect(body.deploymentsByVersion[version]?.[i]).toBe(expected.deploymentsByVersion[version] ?? 0);
        }
        for (const key of REPORT_KEYS) expect(body.totals[key][i]).toBe(expected.totals[key]);
        const tokenize = expected.totals.tokenizeSuccess + expected.totals.tokenizeFailure;
        const rate = body.failureRates.find((f) => f.operation === 'tokenize')?.rates[i];
        expect(rate).toBe(tokenize === 0 ? null : expected.totals.tokenizeFailure / tokenize);
      });
      expect(body.versions).toEqual(versions.length > 0 ? versions : ['1.0.0', '1.1.0', '1.2.0']);
      expect(body.availableVersions).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    }
  });

  it('fills days without reports with zeros', async () => {
    const body = await daily('from=2026-11-01&to=2026-11-12');
    expect(body.days).toHaveLength(12);
    expect(body.activeDeployments.slice(0, 9)).toEqual(Array(9).fill(0));
    expect(body.activeDeployments[9]).toBe(expectedDaily(fleet, '2026-11-10').activeDeployments);
  });

  it('lists deployments with versions and first and last seen, paged', async () => {
    const res = await get(`/dashboard/api/deployments?from=${DAYS[0]}&to=${DAYS.at(-1)}&versions=1.2.0&limit=3`, { cookie });
    expect(res.status).toBe(200);
    const body = await json<DeploymentsPage>(res);
    const expected = [...new Set(fleet.filter((s) => s.version === '1.2.0').map((s) => s.stackId))].sort();
    expect(body.total).toBe(expected.length);
    expect(body.deployments.map((d) => d.stackId)).toEqual(expected.slice(0, 3));
    expect(body.deployments[0]).toMatchObject({ versions: ['1.2.0'], firstSeen: DAYS[10], lastSeen: DAYS.at(-1) });
    const all = await json<DeploymentsPage>(await get(`/dashboard/api/deployments?from=${DAYS[0]}&to=${DAYS.at(-1)}`, { cookie }));
    expect(all.total).toBe(new Set(fleet.map((s) => s.stackId)).size);
  });

  it('answers 400 naming the parameter for a bad query', async () => {
    for (const [query, path] of [
      ['from=2026-13-01', 'from'],
      ['from=2026-11-10&to=2026-11-01', 'to'],
      ['from=2020-01-01&to=2026-11-01', 'to'],
      ['versions=not-a-version', 'versions'],
    ] as const) {
      const res = await get(`/dashboard/api/daily?${query}`, { cookie });
      expect(res.status).toBe(400);
      const body = await json<ErrorBody>(res);
      expect(body.error).toBe('invalid_query');
      expect(body.details.map((d) => d.path)).toContain(path);
    }
    expect((await get('/dashboard/api/deployments?limit=100000', { cookie })).status).toBe(400);
  });

  it('publishes /stats with noise: large versions named near their size, small ones never, small weeks withheld', async () => {
    const res = await get('/stats/data.json');
    expect(securityHeaderProblems(res)).toEqual([]);
    const stats = await json<PublicStats>(res);
    expect(stats.minCohort).toBe(K);
    expect(stats.weeks.length).toBeGreaterThan(40);
    const { margins, versionThreshold } = stats.privacy;
    const week = (start: string) => stats.weeks.find((w) => w.weekStart === start);
    const june1 = week('2026-06-01')!;
    // 40 + 30 named versions and 6 on small ones: each within its stated margin.
    expect(Math.abs(june1.activeDeployments! - 76)).toBeLessThanOrEqual(margins.activeDeployments);
    expect(Object.keys(june1.deploymentsByVersion).sort()).toEqual(['2.9.0', '3.0.0', OTHER_COHORT]);
    expect(Math.abs(june1.deploymentsByVersion['3.0.0']! - 40)).toBeLessThanOrEqual(margins.versionCount);
    expect(Math.abs(june1.deploymentsByVersion['2.9.0']! - 30)).toBeLessThanOrEqual(margins.versionCount);
    // Five deployments: below k even with noise, so the week is withheld.
    expect(week('2026-06-22')).toEqual({ weekStart: '2026-06-22', activeDeployments: null, deploymentsByVersion: {}, totals: null });

    for (const w of stats.weeks) {
      if (w.activeDeployments === null) continue;
      expect(w.activeDeployments).toBeGreaterThanOrEqual(K);
      for (const [version, count] of Object.entries(w.deploymentsByVersion)) {
        if (version !== OTHER_COHORT) expect(count).toBeGreaterThanOrEqual(versionThreshold);
      }
    }
  });

  it('names no small version and no stack id in the /stats HTML, data or scripts', async () => {
    const page = await get('/stats');
    expect(page.status).toBe(200);
    expect(securityHeaderProblems(page)).toEqual([]);
    const bodies = [await page.text(), await (await get('/stats/data.json')).text()];
    for (const asset of ['stats.js', 'charts.js', 'style.css', 'vendor/uPlot.esm.js']) {
      const res = await get(`/dashboard/assets/${asset}`);
      expect(res.status).toBe(200);
      expect(securityHeaderProblems(res)).toEqual([]);
      bodies.push(await res.text());
    }
    const [html, data] = bodies as [string, string];
    expect(html).toContain('<table id="table-weekly-versions">');
    for (const body of bodies) {
      for (const stackId of allStackIds) expect(body).not.toContain(stackId);
      expect(body).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/i);
    }
    for (const small of SMALL_VERSIONS) {
      expect(html).not.toContain(small);
      expect(data).not.toContain(small);
    }
    expect(html).toContain('3.0.0');
    expect(html).toContain('2.9.0');
  });
});
