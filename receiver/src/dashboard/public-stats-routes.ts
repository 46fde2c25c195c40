// GET /stats (HTML) and GET /stats/data.json: public, no sign-in, only the protected weekly
// figures of public-stats-source.ts.

import { Router } from 'express';
import { ReceiverError, errorBody } from '../errors.js';
import type { DashboardLogger } from './deps.js';
import type { PublicStatsSource } from './public-stats-source.js';
import { statsPage } from './stats-page.js';

export function createPublicStatsRoutes(source: PublicStatsSource, logger: DashboardLogger): Router {
  const router = Router();
  const failed = (error: unknown): void =>
    logger.warn({ err: { message: (error as Error).message } }, 'dashboard: public stats query failed');

  router.get('/stats', async (_req, res) => {
    try {
      const stats = await source.get();
      res.set('Cache-Control', 'public, max-age=300').type('html').send(statsPage(stats));
    } catch (error) {
      failed(error);
      res.status(503).type('text/plain').send('The statistics are unavailable right now; try again later.\n');
    }
  });

  router.get('/stats/data.json', async (_req, res) => {
    try {
      res.set('Cache-Control', 'public, max-age=300').json(await source.get());
    } catch (error) {
      failed(error);
      res.status(503).json(errorBody(new ReceiverError('storage_unavailable')));
    }
  });

  return router;
}
