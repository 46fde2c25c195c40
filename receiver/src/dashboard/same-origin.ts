// The second CSRF defence (after SameSite=Strict): a state-changing POST must carry an Origin
// header naming this very host. Browsers send Origin on every POST; a request without one (or
// with "null", as from a sandboxed frame or a file) is refused. Only the host is compared, not the
// scheme, so a TLS-terminating proxy in front of the receiver does not break sign-in.

import type { Request, RequestHandler } from 'express';

export function isSameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  // req.host is the Host header, or X-Forwarded-Host when the receiver is told to trust a proxy.
  const host = req.host;
  if (origin === undefined || host === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

export function requireSameOrigin(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || isSameOrigin(req)) {
      next();
      return;
    }
    res.status(403).type('text/plain').send('Forbidden: cross-origin form submission.\n');
  };
}
