// The dashboard's public-cohort filter over HTTP, on the real receiver: `cohort=public` counts only
// the deployments /stats counts (a history of receipt days before the week), so a burst of
// made-up deployments is in the vendor's full figures and not in the filtered ones.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailySeries } from './daily-series.js';
import { signIn } from '../testing/http-client.js';
import { cohortWeek, expectedDaily, insertSeeds, seedMetrics, type SeedReport } from '../testing/seed-fleet.js';
import { startDashboardReceiver, type DashboardReceiver } from '../testing/dashboard-receiver.js';
import { eachDay } from './utc-days.js';

const TOKEN = 'dashboard-cohort-admin-token-0123456789ab';
const NOW = new Date('2026-11-25T12:00:00Z');
const WEEK = eachDay('2026-11-09', '2026-11-15');

// Five real deployments with a history, reporting on the week's Wednesday; eight made-up ones
// reporting every day of the week, all sent (received) in one burst now.
const real = cohortWeek('2026-11-09', { '2.0.0': 3, '2.1.0': 2 });
const burst: SeedReport[] = Array.from({ length: 8 }, () => randomUUID()).flatMap((stackId, i) =>
  WEEK.map((day, d) => ({ day, stackId, version: i < 4 ? '2.0.0' : '9.9.9', metrics: seedMetrics(i, d) })),
);

type DailyBody = DailySeries & { cohort: string };
type ErrorBody = { error: string; details: { path?: string; message: string }[] };

describe('dashboard public-cohort filter', () => {
  let t: DashboardReceiver;
  let cookie: string;

  beforeAll(async () => {
    t = await startDashboardReceiver({ adminToken: TOKEN, now: () => NOW });
    await insertSeeds(t.receiver.storage, [...real, ...burst], NOW);
    cookie = await signIn(t.url, TOKEN);
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (path: string): Promise<Response> => fetch(`${t.url}${path}`, { headers: { cookie } });
  const daily = async (query: string): Promise<DailyBody> => {
    const res = await get(`/dashboard/api/daily?from=2026-11-09&to=2026-11-15${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as DailyBody;
  };
  const expectFigures = (body: DailyBody, seeds: readonly SeedReport[], versions: string[] = []): void => {
    expect(body.days).toEqual(WEEK);
    const expected = WEEK.map((day) => expectedDaily(seeds, day, versions));
    expect(body.activeDeployments).toEqual(expected.map((e) => e.activeDeployments));
    for (const version of body.versions) expect(body.deploymentsByVersion[version]).toEqual(expected.map((e) => e.deploymentsByVersion[version] ?? 0));
    for (const key of Object.keys(body.totals) as (keyof DailyBody['totals'])[]) expect(body.totals[key]).toEqual(expected.map((e) => e.totals[key]));
  };

  it('counts every report by default, the burst included', async () => {
    const body = await daily('');
    expect(body.cohort).toBe('all');
    expectFigures(body, [...real, ...burst]);
    expect(body.activeDeployments).toEqual([8, 8, 13, 8, 8, 8, 8]);
  });

  it('with cohort=public counts only the deployments with a history, as /stats does', async () => {
    const body = await daily('&cohort=public');
    expect(body.cohort).toBe('public');
    expectFigures(body, real);
    expect(body.activeDeployments).toEqual([0, 0, 5, 0, 0, 0, 0]);
    expect(body.versions).toEqual(['2.0.0', '2.1.0']);
    const one = await daily('&cohort=public&versions=2.0.0');
    expectFigures(one, real, ['2.0.0']);
    expect(one.activeDeployments[2]).toBe(3);
  });

  it('answers 400 unknown_cohort for any other cohort, on both data endpoints', async () => {
    for (const path of ['/dashboard/api/daily?cohort=fresh', '/dashboard/api/deployments?cohort=PUBLIC']) {
      const res = await get(path);
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toBe('unknown_cohort');
      expect(body.details).toEqual([expect.objectContaining({ path: 'cohort' })]);
    }
  });

  it('renders the checkbox ticked when the page is opened with cohort=public, with the rule beside it', async () => {
    const ticked = await (await get('/dashboard?from=2026-11-09&to=2026-11-15&cohort=public')).text();
    expect(ticked).toMatch(/<input id="cohort-public" name="cohort" type="checkbox" value="public" checked>/);
    expect(ticked).toContain('at least 3 different days in the 28 days before the week');
    const plain = await (await get('/dashboard')).text();
    expect(plain).toMatch(/<input id="cohort-public" name="cohort" type="checkbox" value="public">/);
  });
});
