// Access to the dashboard over HTTP, on the real receiver: sign-in, the session cookie, CSRF
// checks, throttling, expiry and the headers every response carries. The figures themselves are
// checked in dashboard-data.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './session-cookie.js';
import { postSignIn as post, securityHeaderProblems, signIn as signInAt } from './test-support/http-client.js';
import { startTestReceiver, type TestReceiver } from './test-support/test-receiver.js';

const TOKEN = 'dashboard-test-admin-token-0123456789abcdef';
const start = Date.parse('2026-11-25T12:00:00Z');
let nowMs = start;

type ErrorBody = { error: string; details: { path?: string; message: string }[] };
const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

let t: TestReceiver;

beforeAll(async () => {
  t = await startTestReceiver({ adminToken: TOKEN, trustProxy: true, now: () => new Date(nowMs) });
});
afterAll(async () => {
  await t?.close();
});

const get = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${t.url}${path}`, { redirect: 'manual', headers });
const postSignIn = (token: string, headers?: Record<string, string>): Promise<Response> => post(t.url, token, headers);
const signIn = (): Promise<string> => signInAt(t.url, TOKEN);
const expectSecurityHeaders = (res: Response): void => expect(securityHeaderProblems(res)).toEqual([]);

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
      for (let i = 0; i < 10; i += 1) expect((await post(other.url, 'wrong')).status).toBe(401);
      const throttled = await post(other.url, TOKEN);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      nowMs += 60_000;
      expect((await post(other.url, TOKEN)).status).toBe(303);
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
      const attempt = await post(off.url, '');
      expect(attempt.status).toBe(404);
      expect(attempt.headers.getSetCookie()).toEqual([]);
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
