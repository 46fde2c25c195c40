// The signed-in dashboard's data endpoints. Each answer comes from the storage's aggregated
// queries (per-day rows, one page of deployments), never from raw reports, so the cost depends on
// the number of days and versions, not on the size of the fleet. The one exception is
// `cohort=public` (the deployments /stats counts): who qualifies is decided from raw reports, one
// query per ISO week of the range.

import { Router } from 'express';
import { ReceiverError, errorBody } from '../errors.js';
import type { PublicCohortRule } from '../stats/public-cohort.js';
import { parseStatsQuery, type StatsRequest } from '../stats/stats-query.js';
import type { Storage } from '../storage/storage.js';
import { toDailySeries } from './daily-series.js';
import type { DashboardLogger } from './deps.js';
import { OPERATIONS } from './failure-rates.js';
import { METRIC_LABELS, labelOf } from './metric-labels.js';

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

  /** A data endpoint: never cached, its query parsed (400 when bad), a storage failure logged and answered 503. */
  const endpoint = (path: string, answer: (q: StatsRequest) => Promise<object>): void => {
    router.get(path, async (req, res) => {
      res.set('Cache-Control', 'no-store');
      const parsed = parseStatsQuery(req.query, now());
      if (!parsed.ok) {
        res.status(400).json(errorBody(parsed.error));
        return;
      }
      try {
        res.json(await answer(parsed.value));
      } catch (error) {
        logger.warn({ err: { message: (error as Error).message } }, 'dashboard: storage query failed');
        res.status(503).json(errorBody(new ReceiverError('storage_unavailable')));
      }
    });
  };

  endpoint('/daily', async ({ from, to, versions, cohort }) => {
    const [rows, availableVersions] = await Promise.all([
      storage.dailyStats({ from, to, versions, ...(cohort === 'public' ? { cohort: cohortRule } : {}) }),
      storage.versions({ from, to }),
    ]);
    return {
      ...toDailySeries(from, to, rows),
      cohort,
      selectedVersions: versions,
      availableVersions,
      metrics: METRIC_LABELS,
      operations: OPERATIONS.map((op) => ({ name: op.name, label: labelOf(op.name) })),
    };
  });

  endpoint('/deployments', async ({ from, to, versions, limit, offset }) => {
    const result = await storage.deployments({ from, to, versions, limit, offset });
    return { from, to, limit, offset, total: result.total, deployments: result.deployments };
  });

  return router;
}
