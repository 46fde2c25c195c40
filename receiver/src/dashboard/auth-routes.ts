// Sign-in and sign-out. The admin token is posted once, compared in constant time, and exchanged
// for a random session id; failures are throttled per client and logged without the presented
// value or the client.

import express, { Router } from 'express';
import type { ClientKeyHasher } from '../abuse/client-key.js';
import type { DashboardLogger } from './deps.js';
import { requireSameOrigin } from './same-origin.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.js';
import { SIGN_IN_PATH } from './session-guard.js';
import type { SessionStore } from './session-store.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import { signInPage } from './sign-in-page.js';
import { tokensMatch } from '../auth/bearer-token.js';

export interface AuthRoutesOptions {
  readonly adminToken: string | undefined;
  readonly sessions: SessionStore;
  readonly throttle: SignInThrottle;
  readonly clientKeys: ClientKeyHasher;
  /** LUNADEFEND_PUBLIC_URL's origin, when set: the only Origin a sign-in may come from. */
  readonly publicUrl: string | undefined;
  readonly logger: DashboardLogger;
}

export function createAuthRoutes(options: AuthRoutesOptions): Router {
  const { adminToken, sessions, throttle, logger, clientKeys } = options;
  const sameOrigin = requireSameOrigin(options.publicUrl);
  const enabled = adminToken !== undefined && adminToken !== '';
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });

  router.get(SIGN_IN_PATH, (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (enabled && sessions.touch(readSessionCookie(req))) {
      res.redirect(303, '/dashboard');
      return;
    }
    res.status(enabled ? 200 : 404).type('html').send(signInPage({ enabled }));
  });

  router.post(SIGN_IN_PATH, sameOrigin, form, (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!enabled) {
      res.status(404).type('html').send(signInPage({ enabled }));
      return;
    }
    const client = clientKeys.keyFor(req.ip ?? req.socket.remoteAddress ?? '');
    const waitMs = throttle.retryAfterMs(client);
    if (waitMs > 0) {
      res
        .status(429)
        .set('Retry-After', String(Math.ceil(waitMs / 1000)))
        .type('html')
        .send(signInPage({ enabled, error: 'Too many failed sign-ins. Wait a minute and try again.' }));
      return;
    }
    const presented: unknown = (req.body as Record<string, unknown> | undefined)?.token;
    if (typeof presented !== 'string' || !tokensMatch(presented, adminToken)) {
      throttle.recordFailure(client);
      logger.warn({}, 'dashboard: sign-in refused (wrong admin token)');
      res.status(401).type('html').send(signInPage({ enabled, error: 'That token is not the admin token.' }));
      return;
    }
    // A fresh id on every sign-in; any id the browser held before is dropped (no fixation).
    sessions.destroy(readSessionCookie(req));
    const session = sessions.create();
    setSessionCookie(req, res, session.id, session.maxAgeMs);
    logger.info({ sessions: sessions.size() }, 'dashboard: signed in');
    res.redirect(303, '/dashboard');
  });

  router.post('/dashboard/sign-out', sameOrigin, (req, res) => {
    sessions.destroy(readSessionCookie(req));
    clearSessionCookie(req, res);
    res.set('Cache-Control', 'no-store').redirect(303, SIGN_IN_PATH);
  });

  return router;
}
