// Unauthenticated service endpoints: the published report schemas (the newest, and each accepted
// version by number), the health check (which asks storage) and the Prometheus metrics.

import { Router } from 'express';
import type { ReportValidator } from '@lunadefend/config';
import { ReceiverError } from '../errors.js';
import type { Storage } from '../storage/storage.js';
import type { ReceiverMetrics } from '../telemetry/receiver-metrics.js';

export function createServiceRouter(deps: { storage: Storage; metrics: ReceiverMetrics; reportValidator: ReportValidator }): Router {
  const router = Router();
  const bodies = new Map([...deps.reportValidator.schemas].map(([version, schema]) => [`v${version}`, JSON.stringify(schema, null, 2)]));
  const newest = `v${Math.max(...deps.reportValidator.versions)}`;

  router.get('/v1/schema', (_req, res) => {
    res.type('application/schema+json').send(bodies.get(newest));
  });

  router.get('/v1/schema/:version', (req, res) => {
    const body = bodies.get(req.params.version);
    if (body === undefined) throw new ReceiverError('not_found');
    res.type('application/schema+json').send(body);
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
