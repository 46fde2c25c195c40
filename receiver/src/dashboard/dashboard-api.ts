// The signed-in dashboard's data endpoints. Each answer comes from the storage's aggregated
// queries (per-day rows, one page of deployments), never from raw reports, so the cost depends on
// the number of days and versions, not on the size of the fleet. The one exception is
// `cohort=public` (the deployments /stats counts): who qualifies is decided from raw reports, one
// query per ISO week of the range.

import { Router } from 'express';
import type { Response } from 'express';
import { ReceiverError, errorBody } from '../errors.js';
import { publicCohortDailyStats, type PublicCohortRule } from '../stats/public-cohort.js';
import type { Storage } from '../storage/storage.js';
import { toDailySeries } from './daily-series.js';
import type { DashboardLogger } from './deps.js';
import { OPERATIONS } from './failure-rates.js';
import { METRIC_LABELS, labelOf } from './metric-labels.js';
import { parseDashboardQuery, parsePageQuery } from './range-query.js';

export interface DashboardApiOptions {
  readonly storage: Storage;
  /** The rule of `cohort=public`: the one /stats counts by. */
  readonly publicRelease: { readonly cohortRule: PublicCohortRule };
  readonly logger: DashboardLogger;
  readonly now: () => Date;
}

export function createDashboardApi(options: DashboardApiOptions): Router {
  const { storage, logger, now } = options;
  const { cohortRule } = options.publicRelease;
  const router = Router();

  const unavailable = (res: Response, error: unknown): void => {
    logger.warn({ err: { message: (error as Error).message } }, 'dashboard: storage query failed');
    res.status(503).json(errorBody(new ReceiverError('storage_unavailable')));
  };

  router.get('/daily', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const parsed = parseDashboardQuery(req.query, now());
    if (!parsed.ok) {
      res.status(400).json(errorBody(new ReceiverError(parsed.code ?? 'invalid_query', parsed.details)));
      return;
    }
    const { from, to, versions, cohort } = parsed.value;
    try {
      const [rows, availableVersions] = await Promise.all([
        cohort === 'public' ? publicCohortDailyStats(storage, { from, to, versions }, cohortRule) : storage.dailyStats({ from, to, versions }),
        storage.versions({ from, to }),
      ]);
      res.json({
        ...toDailySeries(from, to, rows),
        cohort,
        selectedVersions: versions,
        availableVersions,
        metrics: METRIC_LABELS,
        operations: OPERATIONS.map((op) => ({ name: op.name, label: labelOf(op.name) })),
      });
    } catch (error) {
      unavailable(res, error);
    }
  });

  router.get('/deployments', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const parsed = parseDashboardQuery(req.query, now());
    const page = parsePageQuery(req.query);
    if (!parsed.ok || !page.ok) {
      const details = [...(parsed.ok ? [] : parsed.details), ...(page.ok ? [] : page.details)];
      const code = (parsed.ok ? undefined : parsed.code) ?? 'invalid_query';
      res.status(400).json(errorBody(new ReceiverError(code, details)));
      return;
    }
    const { from, to, versions } = parsed.value;
    const { limit, offset } = page.value;
    try {
      const result = await storage.deployments({ from, to, versions, limit, offset });
      res.json({ from, to, limit, offset, total: result.total, deployments: result.deployments });
    } catch (error) {
      unavailable(res, error);
    }
  });

  return router;
}
