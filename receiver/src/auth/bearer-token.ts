// The admin bearer token guarding /v1/stats/* and /v1/admin/*. Comparison is constant-time over
// SHA-256 digests, so neither the content nor the length of the token leaks through timing.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ReceiverError } from '../errors.js';

/** True when `presented` equals `expected` (an empty expected token never matches). */
export function tokensMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}

/** 404 stats_api_disabled without a configured token; 401 without a bearer token; 403 for a wrong one. */
export function requireBearerToken(adminToken: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (adminToken === undefined) throw new ReceiverError('stats_api_disabled');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match === null) {
      res.set('WWW-Authenticate', 'Bearer realm="lunadefend-receiver"');
      throw new ReceiverError('unauthorized');
    }
    if (!tokensMatch(match[1] ?? '', adminToken)) throw new ReceiverError('forbidden');
    next();
  };
}
