// The consumer of `off` mode: the intake still answers OTLP (so the service never notices), but
// nothing is filtered, stored or sent; every point is counted as dropped (telemetry_off).

import { acceptedOutcome, type MetricsConsumer } from '../component.js';
import { countDataPoints } from '../model/metrics-request.js';
import { createTally } from '../model/reasons.js';
import type { OwnMetrics } from '../telemetry/own-metrics.js';

export function createDiscardingConsumer(metrics: OwnMetrics): MetricsConsumer {
  return {
    consumeBatch: (requests) =>
      requests.map((request) => {
        const tally = createTally();
        tally.drop('telemetry_off', countDataPoints(request));
        metrics.pointsCounted(0, tally);
        return acceptedOutcome(tally);
      }),
  };
}
