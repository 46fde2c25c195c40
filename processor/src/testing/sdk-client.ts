// A client built on the real OpenTelemetry JS SDK, counting lunadefend.tokenize.success.
// Cumulative: the real OTLP/HTTP exporter (with its own retries). Delta: the SDK's own JSON
// serializer over one HTTP POST without retries, so each export's fate is known exactly:
// answered 200, refused before sending (connection refused), or ambiguous (cut off mid-flight).

import { request } from 'node:http';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

export interface ExportLog {
  /** Exports answered with success, and when they finished. */
  successes: number;
  lastSuccessAtMs: number;
  /** Delta client only: increments in exports answered 200 / cut off mid-flight. */
  acknowledged: number;
  ambiguous: number;
}

function valueOf(metrics: ResourceMetrics): number {
  let sum = 0;
  for (const sm of metrics.scopeMetrics) for (const m of sm.metrics) for (const p of m.dataPoints) sum += typeof p.value === 'number' ? p.value : 0;
  return sum;
}

class RecordingExporter implements PushMetricExporter {
  constructor(
    private readonly inner: PushMetricExporter,
    private readonly log: ExportLog,
  ) {}
  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.inner.export(metrics, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.log.successes++;
        this.log.lastSuccessAtMs = Date.now();
      }
      done(result);
    });
  }
  forceFlush = () => this.inner.forceFlush();
  shutdown = () => this.inner.shutdown();
  selectAggregationTemporality = (t: Parameters<NonNullable<PushMetricExporter['selectAggregationTemporality']>>[0]) =>
    this.inner.selectAggregationTemporality?.(t) ?? AggregationTemporality.CUMULATIVE;
}

/** One POST, no retry; records what the answer proves about the export. */
class SinglePostDeltaExporter implements PushMetricExporter {
  constructor(
    private readonly url: URL,
    private readonly log: ExportLog,
  ) {}
  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    const body = Buffer.from(JsonMetricsSerializer.serializeRequest(metrics) ?? new Uint8Array());
    const value = valueOf(metrics);
    let settled = false;
    const finish = (code: ExportResultCode) => {
      if (!settled) {
        settled = true;
        done({ code });
      }
    };
    const req = request(this.url, { method: 'POST', agent: false, timeout: 2000, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) this.log.acknowledged += value;
        else this.log.ambiguous += value; // not expected: any other answer means "not kept", counted as doubt
        finish(res.statusCode === 200 ? ExportResultCode.SUCCESS : ExportResultCode.FAILED);
      });
      res.on('error', () => undefined);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!settled && error.code !== 'ECONNREFUSED') this.log.ambiguous += value;
      finish(ExportResultCode.FAILED);
    });
    req.end(body);
  }
  forceFlush = () => Promise.resolve();
  shutdown = () => Promise.resolve();
  selectAggregationTemporality = () => AggregationTemporality.DELTA;
}

export interface SdkClient {
  readonly log: ExportLog;
  add(n: number): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createSdkClient(options: { url: string; temporality: 'cumulative' | 'delta'; exportIntervalMs: number; version: string; stackId: string }): SdkClient {
  const log: ExportLog = { successes: 0, lastSuccessAtMs: 0, acknowledged: 0, ambiguous: 0 };
  const exporter =
    options.temporality === 'cumulative'
      ? new RecordingExporter(new OTLPMetricExporter({ url: options.url, temporalityPreference: AggregationTemporality.CUMULATIVE, timeoutMillis: 2000 }), log)
      : new RecordingExporter(new SinglePostDeltaExporter(new URL(options.url), log), log);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: options.exportIntervalMs, exportTimeoutMillis: options.exportIntervalMs });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.version': options.version, 'lunadefend.stack_id': options.stackId }),
    readers: [reader],
  });
  const counter = provider.getMeter('crash-test').createCounter('lunadefend.tokenize.success');
  return {
    log,
    add: (n) => counter.add(n),
    forceFlush: () => reader.forceFlush().catch(() => undefined),
    shutdown: () => provider.shutdown().catch(() => undefined),
  };
}
