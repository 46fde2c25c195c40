// The stats API behind the admin bearer token: per-day and per-week deployments, versions and
// totals, the deployments list and flagged reports. Flagged reports never enter the statistics.
// Queries are parsed by ../stats/stats-query.ts, as the dashboard's are; `cohort=public` restricts
// the daily and weekly figures to the deployments /stats counts, as `versions` restricts them.

import { Router } from 'express';
import { fromStorage } from '../errors.js';
import type { PublicCohortRule } from '../stats/public-cohort.js';
import { statsQueryOrThrow, type StatsRequest } from '../stats/stats-query.js';
import type { Storage } from '../storage/storage.js';

export interface StatsRouterOptions {
  readonly storage: Storage;
  /** The rule of `cohort=public`: the one /stats counts by. */
  readonly cohortRule: PublicCohortRule;
  /** The default range (no from/to) ends today by this clock. */
  readonly now: () => Date;
}

export function createStatsRouter(options: StatsRouterOptions): Router {
  const { storage, cohortRule, now } = options;
  const router = Router();
  const parse = (query: Record<string, unknown>): StatsRequest => statsQueryOrThrow(query, now());
  /** The figures' query, and what the answer echoes of it. */
  const figuresOf = (q: StatsRequest) => ({
    query: { from: q.from, to: q.to, versions: q.versions, ...(q.cohort === 'public' ? { cohort: cohortRule } : {}) },
    echo: {
      from: q.from,
      to: q.to,
      ...(q.versions.length === 0 ? {} : { versions: q.versions }),
      ...(q.cohort === 'public' ? { cohort: q.cohort } : {}),
    },
  });

  router.get('/v1/stats/daily', async (req, res) => {
    const { query, echo } = figuresOf(parse(req.query));
    const days = await fromStorage(() => storage.dailyStats(query));
    res.json({ ...echo, days });
  });

  router.get('/v1/stats/weekly', async (req, res) => {
    const { query, echo } = figuresOf(parse(req.query));
    const weeks = await fromStorage(() => storage.weeklyStats(query));
    res.json({ ...echo, weeks });
  });

  router.get('/v1/stats/versions', async (req, res) => {
    const q = parse(req.query);
    res.json({ from: q.from, to: q.to, versions: await fromStorage(() => storage.versions(q)) });
  });

  router.get('/v1/stats/deployments', async (req, res) => {
    const q = parse(req.query);
    const page = await fromStorage(() => storage.deployments(q));
    res.json({ from: q.from, to: q.to, limit: q.limit, offset: q.offset, ...page });
  });

  router.get('/v1/stats/flagged', async (req, res) => {
    const q = parse(req.query);
    res.json({ from: q.from, to: q.to, flagged: await fromStorage(() => storage.flaggedReports(q)) });
  });

  return router;
}
