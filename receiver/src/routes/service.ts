// Unauthenticated service endpoints: the published report schema, the health check (which asks
// storage) and the Prometheus metrics.

import { Router } from 'express';
import { REPORT_SCHEMA } from '@lunadefend/config';
import type { Storage } from '../storage/storage.js';
import type { ReceiverMetrics } from '../telemetry/receiver-metrics.js';

export function createServiceRouter(deps: { storage: Storage; metrics: ReceiverMetrics }): Router {
  const router = Router();
  const schemaBody = JSON.stringify(REPORT_SCHEMA, null, 2);

  router.get('/v1/schema', (_req, res) => {
    res.type('application/schema+json').send(schemaBody);
  });

  router.get('/healthz', async (_req, res) => {
    try {
      await deps.storage.ping();
      res.json({ status: 'ok', storage: deps.storage.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', storage: deps.storage.kind });
    }
  });

  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  return router;
}
