// Wires the dashboard: security headers on everything under /dashboard and /stats, public assets
// and /stats, the sign-in routes, then the session gate in front of the dashboard page and its
// data endpoints. The receiver's app mounts this router after its API routes.

import { Router } from 'express';
import { createAuthRoutes } from './auth-routes.js';
import { createDashboardApi } from './dashboard-api.js';
import { dashboardPage } from './dashboard-page.js';
import type { DashboardDeps } from './deps.js';
import { ASSET_PATH } from './html.js';
import { createPublicStatsRoutes } from './public-stats-routes.js';
import { createPublicStatsSource } from './public-stats-source.js';
import { defaultRange, parseStatsQuery } from '../stats/stats-query.js';
import { securityHeaders } from './security-headers.js';
import { requireSessionForApi, requireSessionForPage } from './session-guard.js';
import { createSessionStore } from './session-store.js';
import { createSignInThrottle } from './sign-in-throttle.js';
import { createAssetsRouter, loadAssets } from './static-assets.js';

const HOUR_MS = 3_600_000;

export function createDashboardRouter(deps: DashboardDeps): Router {
  const k = deps.publicRelease.policy.minCohort;
  if (!Number.isInteger(k) || k < 1) throw new Error(`dashboard: the public minimum cohort must be a positive integer, got ${k}`);
  const sessions = createSessionStore({ ttlMs: 8 * HOUR_MS, idleMs: HOUR_MS, maxSessions: 1000, now: deps.now });
  const throttle = createSignInThrottle({ maxFailuresPerWindow: 10, windowMs: 60_000, maxClients: 10_000, now: deps.now });
  const publicStats = createPublicStatsSource({ ...deps.publicRelease, storage: deps.storage, now: deps.now });

  const router = Router();
  router.use(['/dashboard', '/stats'], securityHeaders());
  router.use(ASSET_PATH, createAssetsRouter(loadAssets()));
  router.use(createPublicStatsRoutes(publicStats, deps.logger));
  router.use(createAuthRoutes({ adminToken: deps.adminToken, sessions, throttle, clientKeys: deps.clientKeys, publicUrl: deps.publicUrl, logger: deps.logger }));
  router.use('/dashboard/api', requireSessionForApi(sessions), createDashboardApi(deps));
  router.get('/dashboard', requireSessionForPage(sessions), (req, res) => {
    const parsed = parseStatsQuery(req.query, deps.now());
    const view = parsed.ok ? parsed.value : { ...defaultRange(deps.now()), cohort: 'all' as const };
    res.set('Cache-Control', 'no-store').type('html').send(dashboardPage({ ...view, cohortRule: deps.publicRelease.cohortRule }));
  });
  return router;
}
