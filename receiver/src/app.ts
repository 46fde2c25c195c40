// The express application: API routes, then the dashboard (mounted by its own router), then the
// 404 and the one error handler. Everything it needs is built by the caller (receiver.ts) and
// passed in, so tests can hand it any storage and clock.

import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { requireBearerToken } from './auth/bearer-token.js';
import type { ReceiverConfig } from './config.js';
import { createDashboardRouter } from './dashboard/index.js';
import { parseEpsilon } from './privacy/calibration.js';
import type { CellNoise } from './privacy/public-release.js';
import { createAdminRouter } from './routes/admin.js';
import { errorHandler, notFoundHandler } from './routes/http-errors.js';
import { createReportsRouter, limitClients, type ReportsRouteDeps } from './routes/reports.js';
import { responseHeaders } from './routes/response-headers.js';
import { createServiceRouter } from './routes/service.js';
import { createStatsRouter } from './routes/stats.js';
import type { PublicCohortRule } from './stats/public-cohort.js';
import { createLogRouter, LOG_PATH } from './transparency/log-routes.js';
import type { TransparencyLog } from './transparency/transparency-log.js';

/** What the ingest route needs, except the settings read from `config`. */
type IngestDeps = Omit<ReportsRouteDeps, 'maxBodyBytes' | 'bodyTimeoutMs' | 'windowPolicy' | 'maxReportsPerWindow'>;

export interface AppDeps extends IngestDeps {
  readonly config: ReceiverConfig;
  readonly logger: Logger;
  /** At most one 5xx log line per error code per this interval (undefined: 10 s). */
  readonly errorLogIntervalMs?: number | undefined;
  /** The noise stream of each published /stats number. */
  readonly publicNoise: CellNoise;
  readonly log: TransparencyLog;
}

export function createApp(deps: AppDeps): Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(responseHeaders({ publicUrl: config.publicUrl }));

  app.use(createServiceRouter(deps));
  app.use(
    createReportsRouter({
      ...deps,
      maxBodyBytes: config.maxBodyBytes,
      bodyTimeoutMs: config.bodyTimeoutMs,
      maxReportsPerWindow: config.maxReportsPerWindow,
      windowPolicy: config,
    }),
  );
  const admin = [limitClients(deps.clientLimiter, deps.clientKeys), requireBearerToken(config.adminToken)];
  app.use('/v1/stats', ...admin);
  app.use('/v1/admin', ...admin);
  // The log is public (hashes only) but still rate-limited per client.
  app.use(LOG_PATH, limitClients(deps.clientLimiter, deps.clientKeys));
  app.use(createLogRouter(deps.log));
  app.use(createStatsRouter({ storage: deps.storage, cohortRule: publicCohortRule(config), now: deps.now }));
  app.use(createAdminRouter(deps));

  app.use(
    createDashboardRouter({
      storage: deps.storage,
      adminToken: config.adminToken,
      publicUrl: config.publicUrl,
      clientKeys: deps.clientKeys,
      publicRelease: {
        policy: {
          epsilon: parseEpsilon(config.publicEpsilon)!,
          delta: config.publicDelta,
          clampPerDay: config.publicClampPerDay,
          minCohort: config.publicMinCohort,
        },
        cohortRule: publicCohortRule(config),
        noise: deps.publicNoise,
        maxReportAgeMs: config.maxReportAgeMs,
        clockSkewMs: config.clockSkewMs,
        retentionDays: config.retentionDays,
      },
      logger: deps.logger,
      now: deps.now,
    }),
  );

  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger, deps.errorLogIntervalMs));
  return app;
}

const publicCohortRule = (config: ReceiverConfig): PublicCohortRule => ({
  minReceiptDays: config.publicMinReceiptDays,
  historyDays: config.publicHistoryDays,
});
