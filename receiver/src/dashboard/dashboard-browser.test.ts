// The dashboard and /stats in a real browser (Debian's Chromium driven by playwright-core).
// Required under CI=true; on a machine without Chromium the suite is skipped with one line.

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REPORT_KEYS } from '@lunadefend/config';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SMALL_VERSIONS,
  cohortWeek,
  dashboardFleet,
  expectedDaily,
  insertSeeds,
  publicCohortFleet,
  seedMetrics,
  type SeedReport,
} from '../testing/seed-fleet.js';
import { startDashboardReceiver, type DashboardReceiver } from '../testing/dashboard-receiver.js';
import { eachDay } from './utc-days.js';

const CHROMIUM = process.env.LUNADEFEND_TEST_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') {
  throw new Error(`Chromium is required under CI=true but was not found at ${CHROMIUM} (set LUNADEFEND_TEST_CHROMIUM)`);
}
if (!available) console.log(`skipping dashboard browser tests: no Chromium at ${CHROMIUM} (set LUNADEFEND_TEST_CHROMIUM)`);

const SCREENSHOTS = fileURLToPath(new URL('../../../test-output/screenshots/', import.meta.url));
const TOKEN = 'browser-test-admin-token-fedcba9876543210';
const K = 10;
const NOW = new Date('2026-11-25T12:00:00Z');
const FLEET_DAYS = eachDay('2026-11-10', '2026-11-23');
const fleet = dashboardFleet(FLEET_DAYS);
const cohorts = publicCohortFleet();
// A week in September: four deployments with a history (reporting on its Wednesday), and six
// made-up ones reporting every day of the week, all received in one burst now.
const BURST_WEEK = eachDay('2026-09-14', '2026-09-20');
const withHistory = cohortWeek('2026-09-14', { '1.0.0': 4 });
const burst: SeedReport[] = Array.from({ length: 6 }, () => randomUUID()).flatMap((stackId, i) =>
  BURST_WEEK.map((day, d) => ({ day, stackId, version: '1.0.0', metrics: seedMetrics(i, d) })),
);
const stackIds = [...new Set([...fleet, ...cohorts, ...withHistory, ...burst].map((s) => s.stackId))];

// The repository type-checks without the DOM library; these are the few browser shapes the
// functions run inside the page touch (they are serialised, so they cannot call helpers here).
interface CellLike {
  textContent: string | null;
}
interface TableLike {
  rows: ArrayLike<{ cells: ArrayLike<CellLike> }>;
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}
interface ElementLike extends CellLike {
  dataset: Record<string, string | undefined>;
  querySelector(selector: string): unknown;
}
interface DocumentLike {
  getElementById(id: string): ElementLike | null;
  querySelector(selector: string): unknown;
}

const count = (n: number): string => n.toLocaleString('en-US');
const percent = (failures: number, successes: number): string =>
  failures + successes === 0 ? '—' : `${((failures / (failures + successes)) * 100).toFixed(2)}%`;

/** Rows of a data table as text: [header cells, ...body rows], each row [row header, ...cells]. */
async function readTable(page: Page, id: string): Promise<string[][]> {
  return page.$eval(`#${id}`, (table) =>
    Array.from((table as unknown as TableLike).rows, (row) => Array.from(row.cells, (cell) => cell.textContent?.trim() ?? '')),
  );
}

/** Pixels of the chart's canvas drawn in its first series' colour (0 when nothing was drawn). */
async function seriesPixels(page: Page, chartId: string): Promise<number> {
  return page.$eval(`#${chartId}`, (element) => {
    const chart = element as unknown as ElementLike;
    const canvas = chart.querySelector('canvas') as CanvasLike | null;
    const hex = chart.dataset.seriesColors?.split(' ')[0];
    const context = canvas?.getContext('2d');
    if (canvas === null || context === null || context === undefined || hex === undefined) return 0;
    if (canvas.width === 0 || canvas.height === 0) return 0;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let matches = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 200 && Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 24) matches += 1;
    }
    return matches;
  });
}

async function expectChartsDrawn(page: Page, ids: string[]): Promise<void> {
  for (const id of ids) {
    await page.waitForFunction(
      (chartId) => (globalThis as unknown as { document: DocumentLike }).document.querySelector(`#${chartId} canvas`) !== null,
      id,
    );
    await expect.poll(() => seriesPixels(page, id), { timeout: 5000 }).toBeGreaterThan(20);
  }
}

/** Submits the filter form and waits for the view it asked for. */
async function apply(page: Page): Promise<void> {
  const before = await page.$eval('#status', (el) => Number((el as unknown as ElementLike).dataset.generation ?? 0));
  await page.click('#apply');
  await page.waitForFunction(
    (gen) => {
      const status = (globalThis as unknown as { document: DocumentLike }).document.getElementById('status');
      return status !== null && Number(status.dataset.generation ?? 0) > gen && status.dataset.state === 'ready';
    },
    before,
  );
}

function expectDailyTables(tables: Record<string, string[][]>, days: string[], versions: string[] = []): void {
  const [activeHead, ...activeRows] = tables.active!;
  expect(activeHead).toEqual(['Day', 'Active deployments']);
  expect(activeRows).toEqual(days.map((day) => [day, count(expectedDaily(fleet, day, versions).activeDeployments)]));

  const [versionHead, ...versionRows] = tables.versions!;
  const shown = versionHead!.slice(1);
  const seen = [...new Set(fleet.filter((s) => days.includes(s.day) && (versions.length === 0 || versions.includes(s.version))).map((s) => s.version))].sort();
  expect(shown).toEqual(seen);
  expect(versionRows).toEqual(
    days.map((day) => [day, ...shown.map((v) => count(expectedDaily(fleet, day, versions).deploymentsByVersion[v] ?? 0))]),
  );

  const [, ...totalRows] = tables.totals!;
  expect(totalRows).toEqual(days.map((day) => [day, ...REPORT_KEYS.map((key) => count(expectedDaily(fleet, day, versions).totals[key]))]));

  const [failureHead, ...failureRows] = tables.failures!;
  expect(failureHead).toEqual(['Day', 'Tokenize failure rate', 'Detokenize failure rate', 'Create grant failure rate']);
  expect(failureRows).toEqual(
    days.map((day) => {
      const t = expectedDaily(fleet, day, versions).totals;
      return [
        day,
        percent(t.tokenizeFailure, t.tokenizeSuccess),
        percent(t.detokenizeFailure, t.detokenizeSuccess),
        percent(t.createGrantFailure, t.createGrantSuccess),
      ];
    }),
  );
}

describe.skipIf(!available)('dashboard and /stats in Chromium', () => {
  let receiver: DashboardReceiver;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // A fixed noise key: the published numbers (and so the charts) are the same on every run.
    receiver = await startDashboardReceiver({ adminToken: TOKEN, publicMinCohort: K, now: () => NOW, config: { publicNoiseKey: 'dashboard-browser-test-noise-key-0001' } });
    await insertSeeds(receiver.receiver.storage, [...fleet, ...cohorts, ...withHistory, ...burst], NOW);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  const readDailyTables = async (): Promise<Record<string, string[][]>> => ({
    active: await readTable(page, 'table-active'),
    versions: await readTable(page, 'table-versions'),
    totals: await readTable(page, 'table-totals'),
    failures: await readTable(page, 'table-failures'),
  });

  it('sends /dashboard to the sign-in form, and signs in with the admin token', async () => {
    await page.goto(`${receiver.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    await page.fill('#token', 'wrong-token');
    await page.click('button[type="submit"]');
    expect(await page.textContent('#sign-in-error')).toContain('not the admin token');
    problems.length = 0; // the 401 page load itself is reported as a console error
    await page.fill('#token', TOKEN);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${receiver.url}/dashboard`);
    await page.waitForSelector('#status[data-state="ready"]');
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
  });

  it('draws every chart from the seed and its data table shows the values counted from the seed', async () => {
    await expectChartsDrawn(page, ['chart-active', 'chart-versions', 'chart-totals', 'chart-failures']);
    // The default range is the last 30 days up to the receiver's today.
    expectDailyTables(await readDailyTables(), eachDay('2026-10-27', '2026-11-25'));
    const deployments = await readTable(page, 'table-deployments');
    expect(deployments.slice(1).map((row) => row[0])).toEqual(stackIds.filter((id) => fleet.some((s) => s.stackId === id)).sort());
    await page.screenshot({ path: `${SCREENSHOTS}dashboard.png`, fullPage: true });
  });

  it('updates charts and tables when the date range changes', async () => {
    await page.fill('#from', '2026-11-16');
    await page.fill('#to', '2026-11-22');
    await apply(page);
    expectDailyTables(await readDailyTables(), eachDay('2026-11-16', '2026-11-22'));
    await expectChartsDrawn(page, ['chart-active', 'chart-versions', 'chart-totals', 'chart-failures']);
    expect(new URL(page.url()).search).toBe('?from=2026-11-16&to=2026-11-22');
  });

  it('updates charts and tables when versions are picked', async () => {
    await page.check('label:text-is("1.1.0") >> xpath=preceding-sibling::input');
    await page.check('label:text-is("1.2.0") >> xpath=preceding-sibling::input');
    await apply(page);
    expectDailyTables(await readDailyTables(), eachDay('2026-11-16', '2026-11-22'), ['1.1.0', '1.2.0']);
    const deployments = await readTable(page, 'table-deployments');
    const expected = [...new Set(fleet.filter((s) => s.version !== '1.0.0' && s.day >= '2026-11-16' && s.day <= '2026-11-22').map((s) => s.stackId))];
    expect(deployments.slice(1).map((row) => row[0])).toEqual(expected.sort());
    await expectChartsDrawn(page, ['chart-active', 'chart-versions']);
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-filtered.png`, fullPage: true });
  });

  it('hides a burst of made-up deployments when "Public cohort only" is ticked, and keeps the choice in the URL', async () => {
    await page.goto(`${receiver.url}/dashboard?from=2026-09-14&to=2026-09-20`);
    await page.waitForSelector('#status[data-state="ready"]');
    const activeColumn = async (): Promise<string[]> => (await readTable(page, 'table-active')).slice(1).map((row) => row[1]!);
    const everyone = BURST_WEEK.map((day) => expectedDaily([...withHistory, ...burst], day));
    expect(await activeColumn()).toEqual(everyone.map((e) => count(e.activeDeployments)));
    expect(everyone.map((e) => e.activeDeployments)).toEqual([6, 6, 10, 6, 6, 6, 6]);

    const before = await page.$eval('#status', (el) => Number((el as unknown as ElementLike).dataset.generation ?? 0));
    await page.check('#cohort-public');
    await page.waitForFunction((gen) => {
      const status = (globalThis as unknown as { document: DocumentLike }).document.getElementById('status');
      return status !== null && Number(status.dataset.generation ?? 0) > gen && status.dataset.state === 'ready';
    }, before);
    const qualified = BURST_WEEK.map((day) => expectedDaily(withHistory, day));
    expect(await activeColumn()).toEqual(qualified.map((e) => count(e.activeDeployments)));
    expect(qualified.map((e) => e.activeDeployments)).toEqual([0, 0, 4, 0, 0, 0, 0]);
    const [, ...totalRows] = await readTable(page, 'table-totals');
    expect(totalRows).toEqual(BURST_WEEK.map((day, i) => [day, ...REPORT_KEYS.map((key) => count(qualified[i]!.totals[key]))]));
    expect(await page.textContent('#status')).toContain('public cohort only');
    expect(new URL(page.url()).searchParams.get('cohort')).toBe('public');

    await page.reload();
    await page.waitForSelector('#status[data-state="ready"]');
    expect(await page.isChecked('#cohort-public')).toBe(true);
    expect(await activeColumn()).toEqual(qualified.map((e) => count(e.activeDeployments)));
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-public-cohort.png`, fullPage: true });
  });

  it('signs out: the data endpoints then answer 401', async () => {
    await page.click('text=Sign out');
    await page.waitForURL(`${receiver.url}/dashboard/sign-in`);
    const status = await page.evaluate(async () => (await fetch('/dashboard/api/daily')).status);
    expect(status).toBe(401);
    problems.length = 0; // that 401 is logged by the browser as a failed resource load
  });

  it('shows /stats without sign-in: charts drawn, no cohort below k, no stack id', async () => {
    await page.goto(`${receiver.url}/stats`);
    await page.waitForSelector('body[data-charts-ready="true"]');
    await expectChartsDrawn(page, ['chart-weekly-active', 'chart-weekly-versions', 'chart-weekly-totals']);
    const [head, ...rows] = await readTable(page, 'table-weekly-versions');
    expect(head!.slice(1)).toEqual(['Other versions', '2.9.0', '3.0.0']);
    const june1 = rows.find((row) => row[0] === '2026-06-01');
    // Noised counts of 30 and 40 deployments: near, and named.
    expect(Number(june1![2])).toBeGreaterThan(20);
    expect(Number(june1![3])).toBeGreaterThan(30);
    const active = await readTable(page, 'table-weekly-active');
    expect(active.find((row) => row[0] === '2026-06-22')).toEqual(['2026-06-22', 'withheld']);
    expect(await page.textContent('#privacy-title')).toContain('How these numbers protect each deployment');
    const content = await page.content();
    for (const id of stackIds) expect(content).not.toContain(id);
    for (const version of SMALL_VERSIONS) expect(content).not.toContain(version);
    await page.screenshot({ path: `${SCREENSHOTS}stats.png`, fullPage: true });
  });

  it('made no request outside the receiver and hit no script or CSP error', () => {
    const origin = new URL(receiver.url).origin;
    expect(requests.length).toBeGreaterThan(10);
    for (const url of requests) expect(new URL(url).origin).toBe(origin);
    expect(problems).toEqual([]);
  });
});
