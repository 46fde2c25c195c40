// Headers on every response of the receiver, API and dashboard alike: `nosniff`, so no answer
// (JSON, an error, the metrics text) is ever sniffed into something executable, and
// Strict-Transport-Security when the receiver is reached over HTTPS (its own TLS, a trusted
// proxy's X-Forwarded-Proto, or an https LUNADEFEND_PUBLIC_URL), so browsers stop trying plain
// HTTP for a year. Over plain HTTP, HSTS would be ignored by browsers and is not sent.

import type { RequestHandler } from 'express';

export const HSTS_VALUE = 'max-age=31536000';

export function responseHeaders(options: { readonly publicUrl: string | undefined }): RequestHandler {
  const publicHttps = options.publicUrl?.startsWith('https:') === true;
  return (req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    if (req.secure || publicHttps) res.set('Strict-Transport-Security', HSTS_VALUE);
    next();
  };
}
