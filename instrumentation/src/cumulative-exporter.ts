// Wraps the OTLP exporter so that (a) every instrument is exported with cumulative temporality
// whatever OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE says, (b) every point carries the
// instant counting began as its start time, and (c) a failed export costs the service one debug
// line.
//
// (b) matters for exactly-once totals: the SDK gives an observable counter's first point a start
// time equal to its first collection, and a cumulative point whose start equals its time is, in
// the OTLP data model, a reset at an unknown instant — the collector may only take it as a
// baseline. Our totals start at zero when startMetrics() runs, so that instant is the true start. With cumulative totals the next export carries everything a failed
// one would have, so the failure is not passed on to the SDK's global error handler (which the
// host service may route to its error log every interval).

import type { HrTime } from '@opentelemetry/api';
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
  countingSince: HrTime,
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
        inner.export(withStartTime(metrics, countingSince), done);
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

/** A copy of `metrics` whose every data point starts at `startTime`. */
export function withStartTime(metrics: ResourceMetrics, startTime: HrTime): ResourceMetrics {
  return {
    resource: metrics.resource,
    scopeMetrics: metrics.scopeMetrics.map((scope) => ({
      scope: scope.scope,
      metrics: scope.metrics.map((metric) => ({
        ...metric,
        dataPoints: metric.dataPoints.map((point) => ({ ...point, startTime })),
      })) as typeof scope.metrics,
    })),
  };
}

/** An error's name and message only: never a request body, never headers. */
function describe(error: Error | undefined): string {
  if (error === undefined) return 'no reason given';
  const code = (error as { code?: unknown }).code;
  return `${error.name}${code === undefined ? '' : ` ${String(code)}`}: ${error.message.slice(0, 200)}`;
}
