// Wraps the OTLP exporter so that (a) every instrument is exported with cumulative temporality
// whatever OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE says, and (b) a failed export costs
// the service one debug line. With cumulative totals the next export carries everything a failed
// one would have, so the failure is not passed on to the SDK's global error handler (which the
// host service may route to its error log every interval).

import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { MetricsLogger } from './logger.js';

export interface ExportOutcomes {
  succeeded: number;
  failed: number;
}

export function createCumulativeExporter(
  inner: PushMetricExporter,
  logger: MetricsLogger,
  outcomes: ExportOutcomes,
): PushMetricExporter {
  return {
    export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
      const done = (result: ExportResult): void => {
        if (result.code === ExportResultCode.SUCCESS) {
          outcomes.succeeded++;
        } else {
          outcomes.failed++;
          logger.debug(`export failed (${describe(result.error)}); the next export carries the full totals`);
        }
        resultCallback({ code: ExportResultCode.SUCCESS });
      };
      try {
        inner.export(metrics, done);
      } catch (error) {
        done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
    ...(inner.selectAggregation ? { selectAggregation: inner.selectAggregation.bind(inner) } : {}),
  };
}

/** An error's name and message only: never a request body, never headers. */
function describe(error: Error | undefined): string {
  if (error === undefined) return 'no reason given';
  const code = (error as { code?: unknown }).code;
  return `${error.name}${code === undefined ? '' : ` ${String(code)}`}: ${error.message.slice(0, 200)}`;
}
