// The stats API behind the admin bearer token: per-day and per-week deployments, versions and
// totals, the deployments list and flagged reports. Flagged reports never enter the statistics.

import { Router } from 'express';
import { fromStorage } from '../errors.js';
import { parseStatsQuery } from '../stats/stats-query.js';
import type { Storage } from '../storage/storage.js';

export function createStatsRouter(storage: Storage): Router {
  const router = Router();

  router.get('/v1/stats/daily', async (req, res) => {
    const q = parseStatsQuery(req);
    const days = await fromStorage(() => storage.dailyStats({ from: q.from, to: q.to, versions: q.versions }));
    res.json({ from: q.from, to: q.to, ...(q.versions === undefined ? {} : { versions: q.versions }), days });
  });

  router.get('/v1/stats/weekly', async (req, res) => {
    const q = parseStatsQuery(req);
    const weeks = await fromStorage(() => storage.weeklyStats({ from: q.from, to: q.to }));
    res.json({ from: q.from, to: q.to, weeks });
  });

  router.get('/v1/stats/versions', async (req, res) => {
    const q = parseStatsQuery(req);
    res.json({ from: q.from, to: q.to, versions: await fromStorage(() => storage.versions(q)) });
  });

  router.get('/v1/stats/deployments', async (req, res) => {
    const q = parseStatsQuery(req);
    const page = await fromStorage(() => storage.deployments(q));
    res.json({ from: q.from, to: q.to, limit: q.limit, offset: q.offset, ...page });
  });

  router.get('/v1/stats/flagged', async (req, res) => {
    const q = parseStatsQuery(req);
    res.json({ from: q.from, to: q.to, flagged: await fromStorage(() => storage.flaggedReports(q)) });
  });

  return router;
}
