import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, REPORT_KEYS, zeroMetrics, type DailyReport } from '@lunadefend/config';
import { reportAt, startTestReceiver, type TestReceiver } from '../testing/harness.js';

const TOKEN = 'stats-admin-token-9f8e7d6c';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const FIRST_DAY_MS = Date.parse('2026-05-04T00:00:00Z');
const BOUND = 10_000;

describe('stats API', () => {
  let r: TestReceiver;
  const sent: { report: DailyReport; flagged: boolean }[] = [];

  beforeAll(async () => {
    r = await startTestReceiver({
      config: { adminToken: TOKEN, plausibilityBoundsPerDay: Object.fromEntries(REPORT_KEYS.map((k) => [k, BOUND])) as never },
    });
    const stacks = Array.from({ length: 7 }, () => randomUUID());
    let n = 0;
    for (let day = 0; day < 5; day += 1) {
      const startMs = FIRST_DAY_MS + day * DAY_MS;
      r.clock.ms = startMs + DAY_MS + 3_600_000; // reports arrive an hour after their window
      for (const [i, stack] of stacks.entries()) {
        if ((i + day) % 4 === 3) continue;
        const version = i < 2 ? '2.0.0' : day >= i ? '1.9.1' : '1.9.0';
        const metrics = zeroMetrics();
        REPORT_KEYS.forEach((k, j) => (metrics[k] = (n * 7 + j * 13) % 97));
        n += 1;
        const flagged = i === 4 && day === 2;
        if (flagged) metrics.tokenizeSuccess = BOUND + 1;
        const report = reportAt(startMs, { stack_id: stack, version, metrics });
        const response = await r.post(report);
        expect(response.status).toBe(202);
        sent.push({ report, flagged });
      }
    }
  });
  afterAll(() => r.close());

  it('answers per day: active deployments, deployments per version and totals, as computed independently', async () => {
    const response = await r.get('/v1/stats/daily?from=2026-05-03&to=2026-05-09', AUTH);
    expect(response.status).toBe(200);
    const expected = [0, 1, 2, 3, 4].map((d) => {
      const day = new Date(FIRST_DAY_MS + d * DAY_MS).toISOString().slice(0, 10);
      const counted = sent.filter((s) => !s.flagged && s.report.window.start.startsWith(day)).map((s) => s.report);
      const byVersion: Record<string, number> = {};
      for (const v of [...new Set(counted.map((c) => c.version))].sort()) {
        byVersion[v] = new Set(counted.filter((c) => c.version === v).map((c) => c.stack_id)).size;
      }
      const totals = zeroMetrics();
      for (const c of counted) for (const k of REPORT_KEYS) totals[k] += c.metrics[k];
      return { day, activeDeployments: new Set(counted.map((c) => c.stack_id)).size, deploymentsByVersion: byVersion, totals };
    });
    expect(response.body).toEqual({ from: '2026-05-03', to: '2026-05-09', days: expected });
    // The flagged report's day counts one deployment fewer than were sent that day.
    const sentOnDay2 = sent.filter((s) => s.report.window.start.startsWith('2026-05-06')).length;
    expect(expected[2]!.activeDeployments).toBe(sentOnDay2 - 1);
  });

  it('filters by version', async () => {
    const response = await r.get('/v1/stats/daily?from=2026-05-04&to=2026-05-08&version=2.0.0', AUTH);
    const days = response.body.days as { activeDeployments: number; deploymentsByVersion: Record<string, number> }[];
    expect(days.every((d) => Object.keys(d.deploymentsByVersion).join() === '2.0.0')).toBe(true);
    expect(days.map((d) => d.activeDeployments)).toEqual(days.map((d) => d.deploymentsByVersion['2.0.0']));
  });

  it('serves weekly stats, versions, deployments and flagged reports', async () => {
    const weekly = await r.get('/v1/stats/weekly?from=2026-05-04&to=2026-05-10', AUTH);
    const counted = sent.filter((s) => !s.flagged).map((s) => s.report);
    expect(weekly.body.weeks).toEqual([
      expect.objectContaining({ weekStart: '2026-05-04', activeDeployments: new Set(counted.map((c) => c.stack_id)).size }),
    ]);
    const versions = await r.get('/v1/stats/versions?from=2026-05-04&to=2026-05-08', AUTH);
    expect(versions.body.versions).toEqual(['1.9.0', '1.9.1', '2.0.0']);
    const deployments = await r.get('/v1/stats/deployments?from=2026-05-04&to=2026-05-08&limit=3&offset=0', AUTH);
    expect(deployments.body.total).toBe(new Set(counted.map((c) => c.stack_id)).size);
    expect(deployments.body.deployments).toHaveLength(3);
    const flagged = await r.get('/v1/stats/flagged?from=2026-05-04&to=2026-05-08', AUTH);
    expect((flagged.body.flagged as { reportId: string }[]).map((f) => f.reportId)).toEqual(
      sent.filter((s) => s.flagged).map((s) => s.report.report_id),
    );
  });

  it('takes cohort=public on daily and weekly figures: these reports arrived within the week, so nobody qualifies yet', async () => {
    const daily = await r.get('/v1/stats/daily?from=2026-05-04&to=2026-05-08&cohort=public', AUTH);
    expect(daily.body).toEqual({ from: '2026-05-04', to: '2026-05-08', cohort: 'public', days: [] });
    const weekly = await r.get('/v1/stats/weekly?from=2026-05-04&to=2026-05-10&cohort=public', AUTH);
    expect(weekly.body).toEqual({ from: '2026-05-04', to: '2026-05-10', cohort: 'public', weeks: [] });
    const unknown = await r.get('/v1/stats/weekly?from=2026-05-04&to=2026-05-10&cohort=everyone', AUTH);
    expect(unknown).toMatchObject({ status: 400, body: { error: 'unknown_cohort', details: [{ path: 'cohort' }] } });
  });

  it('answers 401 without a token and 403 with a wrong one', async () => {
    const none = await r.get('/v1/stats/daily?from=2026-05-04&to=2026-05-08');
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('unauthorized');
    const wrong = await r.get('/v1/stats/daily?from=2026-05-04&to=2026-05-08', { authorization: 'Bearer stats-admin-token-9f8e7d6X' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toBe('forbidden');
    const basic = await r.get('/v1/stats/daily?from=2026-05-04&to=2026-05-08', { authorization: `Basic ${TOKEN}` });
    expect(basic.status).toBe(401);
    expect((await r.get('/v1/admin/blocked-stacks', { authorization: 'Bearer nope' })).status).toBe(403);
  });

  it('answers 400 invalid_query naming the bad parameters', async () => {
    const bad = await r.get('/v1/stats/daily?from=2026-02-30&to=2026-05-08', AUTH);
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_query', details: [{ path: 'from' }] } });
    const reversed = await r.get('/v1/stats/daily?from=2026-05-08&to=2026-05-04', AUTH);
    expect(reversed.body.details).toEqual([expect.objectContaining({ path: 'to' })]);
    expect((await r.get('/v1/stats/daily?to=2026-05-04', AUTH)).status).toBe(400);
    expect((await r.get('/v1/stats/daily?from=2000-01-01&to=2026-05-04', AUTH)).status).toBe(400);
  });
});

describe('stats API without an admin token', () => {
  it('is off (404 stats_api_disabled) and says so at start-up', async () => {
    const r = await startTestReceiver();
    try {
      const response = await r.get('/v1/stats/daily?from=2026-05-04&to=2026-05-08', AUTH);
      expect(response).toMatchObject({ status: 404, body: { error: 'stats_api_disabled' } });
      expect((await r.get('/v1/admin/blocked-stacks', AUTH)).status).toBe(404);
      const lines = r.logs.map((l) => JSON.parse(l) as { msg: string });
      expect(lines.map((l) => l.msg)).toContain('receiver: stats API off (LUNADEFEND_ADMIN_TOKEN is not set)');
    } finally {
      await r.close();
    }
  });
});
