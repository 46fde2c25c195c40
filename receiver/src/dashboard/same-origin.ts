// The second CSRF defence (after SameSite=Strict): a state-changing POST must provably come from
// one of this receiver's own pages. Browsers tell us in one of two ways:
// - Origin naming this very host (only the host is compared, not the scheme, so a TLS-terminating
//   proxy in front of the receiver does not break sign-in);
// - or, because our pages send Referrer-Policy: no-referrer, browsers serialise the Origin of a
//   form POST as "null"; then the Fetch Metadata header Sec-Fetch-Site, which page scripts can
//   neither set nor forge, must say "same-origin".
// A POST with neither (or a cross-site one) is refused.

import type { Request, RequestHandler } from 'express';

export function isSameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  // req.host is the Host header, or X-Forwarded-Host when the receiver is told to trust a proxy.
  const host = req.host;
  if (origin === undefined || origin === 'null') return req.get('sec-fetch-site') === 'same-origin';
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
