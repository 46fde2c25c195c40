// Gates for signed-in routes: pages redirect to the sign-in form, data endpoints answer 401 JSON
// (a script cannot follow a redirect into a form). Both refresh the session's idle timer.

import type { RequestHandler } from 'express';
import { ReceiverError, errorBody } from '../errors.js';
import { readSessionCookie } from './session-cookie.js';
import type { SessionStore } from './session-store.js';

export const SIGN_IN_PATH = '/dashboard/sign-in';

export function requireSessionForPage(sessions: SessionStore): RequestHandler {
  return (req, res, next) => {
    if (sessions.touch(readSessionCookie(req))) {
      next();
      return;
    }
    res.set('Cache-Control', 'no-store').redirect(303, SIGN_IN_PATH);
  };
}

export function requireSessionForApi(sessions: SessionStore): RequestHandler {
  return (req, res, next) => {
    if (sessions.touch(readSessionCookie(req))) {
      next();
      return;
    }
    res
      .status(401)
      .set('Cache-Control', 'no-store')
      .json(errorBody(new ReceiverError('unauthorized', [{ message: `sign in at ${SIGN_IN_PATH}` }])));
  };
}
