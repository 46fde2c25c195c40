// The public /stats page against the attacks that broke k-anonymity, on the real receiver with
// each storage (SQLite always; PostgreSQL when reachable, required under CI=true), with the
// receiver's defaults but for a fixed noise key (so the test is repeatable):
// - one real deployment plus nine fresh fake stack ids: the real counters are not published;
// - 15 deployments on 1.0.0, one on 9.2.0 and nine fakes on 9.2.0: 9.2.0 is never named;
// - 200 real deployments: every published number is within its stated margin of the truth;
// - the same request, to the same or another replica, answers the same numbers.

import { randomUUID } from 'node:crypto';
import { REPORT_KEYS, zeroMetrics, type ReportKey } from '@lunadefend/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/storage.js';
import type { PublicStats } from './public-stats-source.js';
import { toDailyReport } from '../testing/seed-fleet.js';
import { storagesUnderTest } from '../testing/storages-under-test.js';
import { startDashboardReceiver, type DashboardReceiver } from '../testing/dashboard-receiver.js';
import { addDays } from '../storage/days.js';

const NOISE_KEY = 'public-stats-privacy-test-key-0123456789';
const NOW = Date.parse('2026-11-25T12:00:00Z');
// Final on NOW: it ended more than LUNADEFEND_MAX_REPORT_AGE (32 days) ago.
const ATTACK_WEEK = '2026-09-28';
const SINGLETON_WEEK = '2026-10-05';
const FLEET_WEEK = '2026-10-12';
const REAL_COUNTERS = [12345, 67, 8901, 2, 345, 6];
const HISTORY_OFFSETS = [-20, -9, -2];

const dayMs = (day: string, hours = 12): number => Date.parse(`${day}T00:00:00Z`) + hours * 3_600_000;
const counters = (values: readonly number[]): Record<ReportKey, number> =>
  Object.fromEntries(REPORT_KEYS.map((key, i) => [key, values[i] ?? 0])) as Record<ReportKey, number>;

const storages = await storagesUnderTest('public stats privacy');

describe.each(storages)('public stats privacy on $kind', (storageUnderTest) => {
  let nowMs = NOW;
  let t: DashboardReceiver;
  let closeStorage: () => Promise<void>;
  let storage: Storage;
  const trueFleet = { active: 0, byVersion: new Map<string, number>(), totals: zeroMetrics() };

  /** A report of `day`'s window, received by the receiver at `receivedMs`. */
  const store = async (stackId: string, version: string, day: string, receivedMs: number, metrics = zeroMetrics()): Promise<void> => {
    const outcome = await storage.insertReport(toDailyReport({ day, stackId, version, metrics }), {
      receivedAt: new Date(receivedMs),
      maxReportsPerWindow: 4,
    });
    if (outcome.status !== 'accepted') throw new Error(outcome.status);
  };
  /** A deployment that has reported, on time, on three days before `week`. */
  const withHistory = async (stackId: string, version: string, week: string): Promise<void> => {
    for (const offset of HISTORY_OFFSETS) await store(stackId, version, addDays(week, offset), dayMs(addDays(week, offset + 1), 1));
  };
  /** What an attacker does: POST a report as the receiver sees it on `day`, through the public API. */
  const postAt = async (day: string, stackId: string, version: string, metrics = zeroMetrics()): Promise<number> => {
    nowMs = dayMs(addDays(day, 1), 2);
    try {
      const res = await fetch(`${t.url}/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(toDailyReport({ day, stackId, version, metrics })),
      });
      return res.status;
    } finally {
      nowMs = NOW;
    }
  };
  const stats = async (url = t.url): Promise<{ data: PublicStats; text: string; html: string }> => {
    const text = await (await fetch(`${url}/stats/data.json`)).text();
    const html = await (await fetch(`${url}/stats`)).text();
    return { data: JSON.parse(text) as PublicStats, text, html };
  };
  const weekOf = (data: PublicStats, start: string) => {
    const week = data.weeks.find((w) => w.weekStart === start);
    if (week === undefined) throw new Error(`week ${start} is not published`);
    return week;
  };

  beforeAll(async () => {
    const opened = await storageUnderTest.open();
    closeStorage = opened.close;
    t = await startDashboardReceiver({
      adminToken: undefined,
      now: () => new Date(nowMs),
      ...(opened.storage === undefined ? {} : { storage: opened.storage }),
      config: { publicNoiseKey: NOISE_KEY, clientRateLimit: undefined, stackRateLimit: undefined },
    });
    storage = t.receiver.storage;

    // Attack 1: one real deployment with a history, nine fresh fake stack ids posting zeros.
    const real = randomUUID();
    await withHistory(real, '9.1.0', ATTACK_WEEK);
    expect(await postAt(addDays(ATTACK_WEEK, 2), real, '9.1.0', counters(REAL_COUNTERS))).toBe(202);
    for (let i = 0; i < 9; i += 1) expect(await postAt(addDays(ATTACK_WEEK, 2), randomUUID(), '9.1.0')).toBe(202);

    // The same, but the nine fakes first bought a history: reports received on three distinct days.
    const fakes = Array.from({ length: 9 }, () => randomUUID());
    const bought = addDays(ATTACK_WEEK, -7);
    for (const fake of fakes) for (const offset of HISTORY_OFFSETS) expect(await postAt(addDays(bought, offset), fake, '9.1.0')).toBe(202);
    const boughtReal = randomUUID();
    await withHistory(boughtReal, '9.1.0', bought);
    expect(await postAt(addDays(bought, 2), boughtReal, '9.1.0', counters(REAL_COUNTERS))).toBe(202);
    for (const fake of fakes) expect(await postAt(addDays(bought, 2), fake, '9.1.0')).toBe(202);

    // Attack 2: 15 on 1.0.0 and one on 9.2.0, all with a history; nine fresh fakes on 9.2.0.
    for (let i = 0; i < 15; i += 1) {
      const stack = randomUUID();
      await withHistory(stack, '1.0.0', SINGLETON_WEEK);
      await store(stack, '1.0.0', addDays(SINGLETON_WEEK, 1), dayMs(addDays(SINGLETON_WEEK, 2)), counters([100, 1, 50, 0, 10, 0]));
    }
    const singleton = randomUUID();
    await withHistory(singleton, '9.2.0', SINGLETON_WEEK);
    await store(singleton, '9.2.0', addDays(SINGLETON_WEEK, 1), dayMs(addDays(SINGLETON_WEEK, 2)), counters([100, 1, 50, 0, 10, 0]));
    for (let i = 0; i < 9; i += 1) expect(await postAt(addDays(SINGLETON_WEEK, 3), randomUUID(), '9.2.0')).toBe(202);

    // 200 real deployments, 150 on 2.0.0 and 50 on 2.1.0, each reporting on four days of the week.
    for (let i = 0; i < 200; i += 1) {
      const stack = randomUUID();
      const version = i < 150 ? '2.0.0' : '2.1.0';
      await withHistory(stack, version, FLEET_WEEK);
      trueFleet.active += 1;
      trueFleet.byVersion.set(version, (trueFleet.byVersion.get(version) ?? 0) + 1);
      for (let d = 0; d < 4; d += 1) {
        const metrics = counters([1000 + i, i % 7, 500 + d, i % 3, 200, d]);
        for (const key of REPORT_KEYS) trueFleet.totals[key] += metrics[key];
        await store(stack, version, addDays(FLEET_WEEK, d), dayMs(addDays(FLEET_WEEK, d + 1)), metrics);
      }
    }
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    await closeStorage?.();
  });

  it('does not publish one real deployment topped up by nine fake stack ids', async () => {
    const { data } = await stats();
    const week = weekOf(data, ATTACK_WEEK);
    // Fresh stack ids do not qualify; one deployment's noisy count stays below k: withheld.
    expect(week).toEqual({ weekStart: ATTACK_WEEK, activeDeployments: null, deploymentsByVersion: {}, totals: null });
  });

  it('does not publish the real counters even when the nine fakes bought a history first', async () => {
    const week = addDays(ATTACK_WEEK, -7);
    const published = weekOf((await stats()).data, week);
    if (published.totals !== null) {
      const exact = REPORT_KEYS.filter((key, i) => published.totals![key] === REAL_COUNTERS[i]);
      expect(exact).toEqual([]);
    }
  });

  it('never names the version run by a single real deployment, topped up by nine fakes', async () => {
    const { data, text, html } = await stats();
    const week = weekOf(data, SINGLETON_WEEK);
    expect(Object.keys(week.deploymentsByVersion)).not.toContain('9.2.0');
    for (const body of [text, html]) expect(body).not.toContain('9.2.0');
  });

  it('publishes 200 real deployments within the stated margins of the truth', async () => {
    const { data } = await stats();
    const week = weekOf(data, FLEET_WEEK);
    const { margins } = data.privacy;
    expect(data.privacy.marginConfidence).toBe(0.99);
    expect(Math.abs(week.activeDeployments! - trueFleet.active)).toBeLessThanOrEqual(margins.activeDeployments);
    for (const [version, count] of trueFleet.byVersion) {
      expect(Math.abs(week.deploymentsByVersion[version]! - count)).toBeLessThanOrEqual(margins.versionCount);
    }
    for (const key of REPORT_KEYS) {
      expect(Math.abs(week.totals![key] - trueFleet.totals[key]), key).toBeLessThanOrEqual(margins.totals[key]);
    }
    // The numbers are noised, not the truth.
    expect(REPORT_KEYS.every((key) => week.totals![key] === trueFleet.totals[key])).toBe(false);
  });

  it('answers the same numbers to repeated requests and to another replica with the same key', async () => {
    const first = await stats();
    const again = await stats();
    expect(again.text).toBe(first.text);
    const replica = await startDashboardReceiver({
      adminToken: undefined,
      now: () => new Date(nowMs),
      storage,
      config: { publicNoiseKey: NOISE_KEY },
    });
    try {
      expect((await stats(replica.url)).text).toBe(first.text);
    } finally {
      await replica.close();
    }
    // The key is what fixes the noise: another key publishes other numbers.
    const other = await startDashboardReceiver({ adminToken: undefined, now: () => new Date(nowMs), storage, config: { publicNoiseKey: `${NOISE_KEY}-other` } });
    try {
      expect(weekOf((await stats(other.url)).data, FLEET_WEEK).totals).not.toEqual(weekOf(first.data, FLEET_WEEK).totals);
    } finally {
      await other.close();
    }
  });

  it('states ε per number and per week, δ, the clamp bounds and the cohort rule on the page and in the JSON', async () => {
    const { data, html } = await stats();
    expect(data.privacy).toMatchObject({ mechanism: 'discrete Laplace', epsilonPerNumber: 1, numbersPerWeek: 8, epsilonPerWeek: 8, delta: 1e-6 });
    expect(data.privacy.clampPerDay.tokenizeSuccess).toBe(10_000);
    expect(data.cohortRule).toEqual({ minReceiptDays: 3, historyDays: 28 });
    expect(html).toContain('ε = 1</strong>');
    expect(html).toContain('ε = 8 per week');
    expect(html).toContain('δ = 0.000001');
  });
});
