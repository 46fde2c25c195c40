// The session cookie: HttpOnly (no script can read it), SameSite=Strict (never sent on a request
// started by another site, the first CSRF defence), Path=/ and Secure whenever the request came
// over HTTPS. Over plain HTTP (local use on http://localhost) Secure is left off, or the browser
// would refuse to store the cookie.

import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'lunadefend_session';

/** The session id from the request's Cookie header, if any. */
export function readSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function attributes(req: Request, maxAgeSeconds: number): string {
  const parts = [`Max-Age=${maxAgeSeconds}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (req.secure) parts.push('Secure');
  return parts.join('; ');
}

export function setSessionCookie(req: Request, res: Response, id: string, maxAgeMs: number): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=${id}; ${attributes(req, Math.floor(maxAgeMs / 1000))}`);
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=; ${attributes(req, 0)}`);
}
