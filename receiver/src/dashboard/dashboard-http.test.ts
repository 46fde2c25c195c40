// Access to the dashboard over HTTP, on the real receiver: sign-in, the session cookie, CSRF
// checks, throttling, expiry and the headers every response carries. The figures themselves are
// checked in dashboard-data.test.ts.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from './session-cookie.js';
import { postSignIn as post, securityHeaderProblems, signIn as signInAt } from '../testing/http-client.js';
import { startDashboardReceiver, type DashboardReceiver } from '../testing/dashboard-receiver.js';

const TOKEN = 'dashboard-test-admin-token-0123456789abcdef';
const start = Date.parse('2026-11-25T12:00:00Z');
let nowMs = start;

type ErrorBody = { error: string; details: { path?: string; message: string }[] };
const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

let t: DashboardReceiver;

beforeAll(async () => {
  t = await startDashboardReceiver({ adminToken: TOKEN, trustProxy: true, now: () => new Date(nowMs) });
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

  it('marks the cookie Secure and sends HSTS when the request came over HTTPS, and no HSTS over HTTP', async () => {
    const res = await postSignIn(TOKEN, {
      origin: 'https://metrics.example',
      'sec-fetch-site': 'same-origin',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'metrics.example',
    });
    expect(res.status).toBe(303);
    expect((res.headers.getSetCookie()[0] ?? '').split('; ')).toContain('Secure');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const api = await get('/v1/schema', { 'x-forwarded-proto': 'https' });
    expect(api.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get('/dashboard/sign-in')).headers.get('strict-transport-security')).toBeNull();
  });

  it('ends the session on sign-out and after an hour without use', async () => {
    const cookie = await signIn();
    expect((await get('/dashboard/api/daily', { cookie })).status).toBe(200);
    const out = await fetch(`${t.url}/dashboard/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: t.url, 'sec-fetch-site': 'same-origin' } });
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

  it('throttles failed sign-ins per client: a flood of wrong ones does not stop the operator signing in', async () => {
    const other = await startDashboardReceiver({ adminToken: TOKEN, trustProxy: 'loopback', now: () => new Date(nowMs) });
    const from = (address: string): Record<string, string> => ({
      origin: other.url,
      'sec-fetch-site': 'same-origin',
      'x-forwarded-for': address,
    });
    try {
      for (let i = 0; i < 50; i += 1) {
        expect((await post(other.url, `wrong-${i}`, from('203.0.113.7'))).status).toBe(i < 10 ? 401 : 429);
      }
      // The attacker's client waits, even with the right token...
      const throttled = await post(other.url, TOKEN, from('203.0.113.7'));
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      // ...while the operator, from another address, signs in at once.
      expect((await post(other.url, TOKEN, from('198.51.100.20'))).status).toBe(303);
      nowMs += 60_000;
      expect((await post(other.url, TOKEN, from('203.0.113.7'))).status).toBe(303);
      expect(other.logs.join('\n')).not.toContain('203.0.113.7');
    } finally {
      nowMs = start;
      await other.close();
    }
  });

  it('with LUNADEFEND_PUBLIC_URL, refuses a cross-origin POST whose forged Host matches its Origin', async () => {
    const other = await startDashboardReceiver({ adminToken: TOKEN, publicUrl: 'https://metrics.example', now: () => new Date(nowMs) });
    const rawPost = (headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const body = new URLSearchParams({ token: TOKEN }).toString();
        const req = request(`${other.url}/dashboard/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), ...headers },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      // A DNS-rebinding page: the browser sends its own name as Host and Origin, and calls it same-origin.
      expect(await rawPost({ host: 'attacker.example', origin: 'http://attacker.example', 'sec-fetch-site': 'same-origin' })).toBe(403);
      expect(await rawPost({ host: 'attacker.example', origin: 'http://attacker.example' })).toBe(403);
      // The public origin differs in scheme: refused too.
      expect(await rawPost({ host: 'metrics.example', origin: 'http://metrics.example' })).toBe(403);
      expect(await rawPost({ host: 'metrics.example', origin: 'https://metrics.example', 'sec-fetch-site': 'same-origin' })).toBe(303);
    } finally {
      await other.close();
    }
  });

  it('without LUNADEFEND_PUBLIC_URL, refuses an Origin matching a forged Host unless the browser says same-origin', async () => {
    const res = await postSignIn(TOKEN, { origin: t.url });
    expect(res.status).toBe(403);
  });

  it('is off without an admin token, while /stats stays public', async () => {
    const off = await startDashboardReceiver({ adminToken: undefined, now: () => new Date(nowMs) });
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
