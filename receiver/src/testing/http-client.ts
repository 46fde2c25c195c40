// Small HTTP helpers shared by the dashboard's tests: sign in as a browser form would, read the
// session cookie, and list what is wrong with a response's security headers.

import { CONTENT_SECURITY_POLICY } from '../dashboard/security-headers.js';
import { SESSION_COOKIE } from '../dashboard/session-cookie.js';

/** Default headers: what a browser sends with a form POST from one of the receiver's own pages. */
export function postSignIn(
  baseUrl: string,
  token: string,
  headers: Record<string, string> = { origin: baseUrl, 'sec-fetch-site': 'same-origin' },
): Promise<Response> {
  return fetch(`${baseUrl}/dashboard/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token }).toString(),
  });
}

/** Signs in and returns the `name=value` pair to send as Cookie; throws when sign-in fails. */
export async function signIn(baseUrl: string, token: string): Promise<string> {
  const res = await postSignIn(baseUrl, token);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (res.status !== 303 || cookie === undefined) throw new Error(`sign-in failed with ${res.status}`);
  return cookie.split(';')[0]!;
}

const REQUIRED_DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
];

/** Empty when the response carries the dashboard's CSP, nosniff and no-referrer. */
export function securityHeaderProblems(res: Response): string[] {
  const problems: string[] = [];
  const csp = res.headers.get('content-security-policy') ?? '';
  const directives = csp.split(';').map((d) => d.trim());
  if (csp !== CONTENT_SECURITY_POLICY) problems.push(`CSP is ${JSON.stringify(csp)}`);
  for (const directive of REQUIRED_DIRECTIVES) if (!directives.includes(directive)) problems.push(`CSP lacks ${directive}`);
  if (csp.includes('unsafe-inline') || csp.includes('unsafe-eval')) problems.push('CSP allows unsafe-*');
  if (res.headers.get('x-content-type-options') !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  if (res.headers.get('referrer-policy') !== 'no-referrer') problems.push('no Referrer-Policy: no-referrer');
  return problems;
}
