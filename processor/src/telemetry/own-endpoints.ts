// The two own endpoints: Prometheus text at service.telemetry.metrics.address (GET /metrics),
// and the health check at extensions.health_check.endpoint (GET / → 200 when the state is
// writable and delivery is not wedged, 503 with the reason otherwise; in off mode there is no
// state and it is always 200).

import { createHttpEndpoint, sendJson, type HttpEndpoint } from './http-endpoint.js';
import type { OwnMetrics } from './own-metrics.js';

export function createMetricsEndpoint(options: { readonly address: string; readonly metrics: OwnMetrics }): HttpEndpoint {
  return createHttpEndpoint({
    name: 'telemetry',
    endpoint: options.address,
    handler: async (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' || (path !== '/metrics' && path !== '/')) {
        sendJson(res, req.method === 'GET' ? 404 : 405, { error: 'not_found' });
        return;
      }
      const text = await options.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
      res.end(text);
    },
  });
}

export interface HealthVerdict {
  readonly healthy: boolean;
  /** 'writable', 'unwritable', 'corrupt' …: what the state file is. */
  readonly state: string;
  /** Why it is unhealthy (a code and words; never a value from data). */
  readonly reason?: string;
}

export function createHealthEndpoint(options: { readonly endpoint: string; readonly mode: string; readonly check: () => HealthVerdict }): HttpEndpoint {
  return createHttpEndpoint({
    name: 'health_check',
    endpoint: options.endpoint,
    handler: (req, res) => {
      if (req.method !== 'GET') {
        sendJson(res, 405, { error: 'method_not_allowed' });
        return;
      }
      const verdict = options.check();
      sendJson(res, verdict.healthy ? 200 : 503, {
        status: verdict.healthy ? 'ok' : 'unavailable',
        mode: options.mode,
        state: verdict.state,
        ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
      });
    },
  });
}
