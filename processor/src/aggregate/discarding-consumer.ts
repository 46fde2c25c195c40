// The consumer of `off` mode: the intake still answers OTLP (so the service never notices), but
// nothing is filtered, stored or sent; every point is counted as dropped (telemetry_off).

import type { SyncMetricsConsumer } from '../component.js';
import { countDataPoints } from '../otlp/model.js';
import type { OwnMetrics } from '../telemetry/own-metrics.js';

export function createDiscardingConsumer(metrics: OwnMetrics): SyncMetricsConsumer {
  return {
    consume(request) {
      metrics.pointsDropped('telemetry_off', countDataPoints(request));
      return { kind: 'accepted', rejectedDataPoints: 0, errorMessage: '' };
    },
  };
}
