// The second CSRF defence (after SameSite=Strict): a state-changing POST must provably come from
// one of this receiver's own pages. The Host header is never trusted for this: a DNS-rebinding
// page sends a Host of its own choosing together with a matching Origin.
// - With LUNADEFEND_PUBLIC_URL set (required behind a proxy), Origin must be exactly that origin,
//   scheme, host and port included.
// - Without it, the receiver cannot know its own name, so it relies on the browser: the Fetch
//   Metadata header Sec-Fetch-Site, which page scripts can neither set nor forge, must say
//   "same-origin", and an Origin, when sent, must name the host the request was sent to.
// - Our pages send Referrer-Policy: no-referrer, so browsers serialise the Origin of a form POST
//   as "null"; then Sec-Fetch-Site: same-origin is the proof in both cases.
// A POST with no proof, or a cross-site one, is refused.

import type { Request, RequestHandler } from 'express';

export function isSameOrigin(req: Request, publicUrl: string | undefined): boolean {
  const origin = req.get('origin');
  const fetchSite = req.get('sec-fetch-site');
  if (origin === undefined || origin === 'null') return fetchSite === 'same-origin';
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (publicUrl !== undefined) return parsed.origin === publicUrl && (fetchSite === undefined || fetchSite === 'same-origin');
  return fetchSite === 'same-origin' && parsed.host === req.host.toLowerCase();
}

export function requireSameOrigin(publicUrl: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || isSameOrigin(req, publicUrl)) {
      next();
      return;
    }
    res.status(403).type('text/plain').send('Forbidden: cross-origin form submission.\n');
  };
}
