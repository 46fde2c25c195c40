import { REPORT_KEYS } from '@lunadefend/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentsPage } from '../storage/storage.js';
import type { DailySeries } from './daily-series.js';
import { OTHER_COHORT } from './public-cohorts.js';
import type { PublicStats } from './public-stats-source.js';
import { CONTENT_SECURITY_POLICY } from './security-headers.js';
import { SESSION_COOKIE } from './session-cookie.js';
import { SMALL_VERSIONS, dashboardFleet, expectedDaily, insertSeeds, publicCohortFleet } from './test-support/seed-fleet.js';
import { startTestReceiver, type TestReceiver } from './test-support/test-receiver.js';
import { eachDay } from './utc-days.js';

const TOKEN = 'dashboard-test-admin-token-0123456789abcdef';
const K = 10;
const DAYS = eachDay('2026-11-10', '2026-11-23');
const start = Date.parse('2026-11-25T12:00:00Z');
let nowMs = start;

const fleet = dashboardFleet(DAYS);
const cohortSeeds = publicCohortFleet();
const allStackIds = [...new Set([...fleet, ...cohortSeeds].map((s) => s.stackId))];

type DailyBody = DailySeries & { availableVersions: string[]; selectedVersions: string[] };
type ErrorBody = { error: string; details: { path?: string; message: string }[] };
const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ adminToken: TOKEN, publicMinCohort: K, trustProxy: true, now: () => new Date(nowMs) });
  await insertSeeds(t.receiver.storage, [...fleet, ...cohortSeeds], new Date(start));
});
afterAll(async () => {
  await t?.close();
});

const get = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${t.url}${path}`, { redirect: 'manual', headers });

function postSignIn(token: string, headers: Record<string, string> = { origin: t.url }): Promise<Response> {
  return fetch(`${t.url}/dashboard/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token }).toString(),
  });
}

async function signIn(): Promise<string> {
  const res = await postSignIn(TOKEN);
  expect(res.status).toBe(303);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (cookie === undefined) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

function expectSecurityHeaders(res: Response): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toBe(CONTENT_SECURITY_POLICY);
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ]) {
    expect(csp.split('; ')).toContain(directive);
  }
  expect(csp).not.toContain('unsafe-inline');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
}

describe('dashboard access', () => {
  it('redirects /dashboard to the sign-in form without a session, and with a made-up one', async () => {
    for (const headers of [{}, { cookie: `${SESSION_COOKIE}=made-up-session-id` }] as Record<string, string>[]) {
      const res = await get('/dashboard', headers);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/dashboard/sign-in');
      expectSecurityHeaders(res);
    }
  });

  it('answers 401 on every data endpoint without a valid session', async () => {
    for (const path of ['/dashboard/api/daily', '/dashboard/api/deployments']) {
      const attempts: Record<string, string>[] = [
        {},
        { cookie: `${SESSION_COOKIE}=made-up-session-id` },
        { authorization: `Bearer ${TOKEN}` },
      ];
      for (const headers of attempts) {
        const res = await get(path, headers);
        expect(res.status).toBe(401);
        expect((await json<ErrorBody>(res)).error).toBe('unauthorized');
        expectSecurityHeaders(res);
      }
    }
  });

  it('refuses a wrong token with 401 and sets no cookie', async () => {
    const res = await postSignIn('not-the-admin-token');
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await res.text()).toContain('not the admin token');
    expectSecurityHeaders(res);
  });

  it('refuses a sign-in posted from another origin or without proof of its origin', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { origin: 'https://attacker.example' },
      { origin: 'https://attacker.example', 'sec-fetch-site': 'same-origin' },
      { origin: 'null' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of attempts) {
      const res = await postSignIn(TOKEN, headers);
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it('accepts a form POST whose Origin the browser nulled (no-referrer) when Fetch Metadata says same-origin', async () => {
    const res = await postSignIn(TOKEN, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(303);
  });

  it('exchanges the token for an opaque HttpOnly SameSite=Strict session cookie', async () => {
    const res = await postSignIn(TOKEN);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const [cookie] = res.headers.getSetCookie();
    const attributes = (cookie ?? '').split(';').map((a) => a.trim());
    const value = attributes[0]!.slice(SESSION_COOKIE.length + 1);
    expect(attributes[0]!.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Strict');
    expect(attributes).toContain('Path=/');
    expect(attributes).not.toContain('Secure'); // plain HTTP, local use
    expect(value.length).toBeGreaterThanOrEqual(43); // 256 random bits, base64url
    expect(value).not.toContain(TOKEN);

    const page = await get('/dashboard', { cookie: attributes[0]! });
    expect(page.status).toBe(200);
    expectSecurityHeaders(page);
    expect(await page.text()).toContain('<h1>Fleet dashboard</h1>');
  });

  it('marks the cookie Secure when the request came over HTTPS', async () => {
    const res = await postSignIn(TOKEN, { origin: 'https://metrics.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'metrics.example' });
    expect(res.status).toBe(303);
    expect((res.headers.getSetCookie()[0] ?? '').split('; ')).toContain('Secure');
  });

  it('ends the session on sign-out and after an hour without use', async () => {
    const cookie = await signIn();
    expect((await get('/dashboard/api/daily', { cookie })).status).toBe(200);
    const out = await fetch(`${t.url}/dashboard/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: t.url } });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie()[0]).toContain('Max-Age=0');
    expect((await get('/dashboard/api/daily', { cookie })).status).toBe(401);

    const idle = await signIn();
    nowMs += 61 * 60_000;
    try {
      expect((await get('/dashboard/api/daily', { cookie: idle })).status).toBe(401);
    } finally {
      nowMs = start;
    }
  });

  it('throttles failed sign-ins: after ten in a minute, even the right token waits', async () => {
    const other = await startTestReceiver({ adminToken: TOKEN, now: () => new Date(nowMs) });
    try {
      const post = (token: string) =>
        fetch(`${other.url}/dashboard/sign-in`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: other.url },
          body: new URLSearchParams({ token }).toString(),
        });
      for (let i = 0; i < 10; i += 1) expect((await post('wrong')).status).toBe(401);
      const throttled = await post(TOKEN);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      nowMs += 60_000;
      expect((await post(TOKEN)).status).toBe(303);
    } finally {
      nowMs = start;
      await other.close();
    }
  });

  it('is off without an admin token, while /stats stays public', async () => {
    const off = await startTestReceiver({ adminToken: undefined, now: () => new Date(nowMs) });
    try {
      const form = await fetch(`${off.url}/dashboard/sign-in`);
      expect(form.status).toBe(404);
      expect(await form.text()).toContain('dashboard is off');
      const post = await fetch(`${off.url}/dashboard/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: off.url },
        body: 'token=',
      });
      expect(post.status).toBe(404);
      expect(post.headers.getSetCookie()).toEqual([]);
      expect((await fetch(`${off.url}/dashboard/api/daily`)).status).toBe(401);
      expect((await fetch(`${off.url}/stats`)).status).toBe(200);
    } finally {
      await off.close();
    }
  });

  it('never writes the token to a log line', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    expect(t.logs.join('\n')).not.toContain(TOKEN);
  });
});

describe('dashboard data', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await signIn();
  });

  const daily = async (query: string): Promise<DailyBody> => {
    const res = await get(`/dashboard/api/daily?${query}`, { cookie });
    expectSecurityHeaders(res);
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
});

describe('public /stats', () => {
  it('shows no version cohort below k, merges small ones into other, withholds small weeks', async () => {
    const res = await get('/stats/data.json');
    expectSecurityHeaders(res);
    const stats = await json<PublicStats>(res);
    expect(stats.minCohort).toBe(K);
    expect(stats.weeks).toHaveLength(52);
    const week = (start: string) => stats.weeks.find((w) => w.weekStart === start);
    expect(week('2026-06-01')).toMatchObject({ activeDeployments: 36, deploymentsByVersion: { '3.0.0': 15, '2.9.0': 10, [OTHER_COHORT]: 11 } });
    // "other" alone would be 4 (< k): the smallest listed version joins it.
    expect(week('2026-06-08')).toMatchObject({ activeDeployments: 35, deploymentsByVersion: { '3.0.0': 20, [OTHER_COHORT]: 15 } });
    expect(week('2026-06-15')).toEqual({ weekStart: '2026-06-15', activeDeployments: null, deploymentsByVersion: {}, totals: null });
    expect(week('2026-06-22')?.deploymentsByVersion).toEqual({ '3.0.0': 10 });
    expect(week('2026-06-29')?.deploymentsByVersion).toEqual({ [OTHER_COHORT]: 18 });

    for (const w of stats.weeks) {
      if (w.activeDeployments === null) continue;
      expect(w.activeDeployments).toBeGreaterThanOrEqual(K);
      for (const count of Object.values(w.deploymentsByVersion)) expect(count).toBeGreaterThanOrEqual(K);
      if (OTHER_COHORT in w.deploymentsByVersion) {
        const listed = Object.entries(w.deploymentsByVersion).filter(([v]) => v !== OTHER_COHORT);
        expect(w.activeDeployments - listed.reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThanOrEqual(K);
      }
    }
  });

  it('names no small version and no stack id in its HTML, data or scripts', async () => {
    const page = await get('/stats');
    expect(page.status).toBe(200);
    expectSecurityHeaders(page);
    const bodies = [await page.text(), await (await get('/stats/data.json')).text()];
    for (const asset of ['stats.js', 'charts.js', 'style.css', 'vendor/uPlot.esm.js']) {
      const res = await get(`/dashboard/assets/${asset}`);
      expect(res.status).toBe(200);
      expectSecurityHeaders(res);
      bodies.push(await res.text());
    }
    const [html, json] = bodies as [string, string];
    expect(html).toContain('<table id="table-weekly-versions">');
    for (const body of bodies) {
      for (const stackId of allStackIds) expect(body).not.toContain(stackId);
      expect(body).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/i);
    }
    for (const small of SMALL_VERSIONS) {
      expect(html).not.toContain(small);
      expect(json).not.toContain(small);
    }
    expect(html).toContain('3.0.0');
    expect(html).toContain('2.9.0');
  });
});
