// Everything that needs the OpenTelemetry SDK, in the one module start-metrics.ts loads with a
// dynamic import() once startMetrics() has returned: importing the package, and starting it in
// any mode, loads no OpenTelemetry code. The SDK sees the counter table's totals only at export
// time, through one observable counter per catalog metric.

import { ValueType, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { METRIC_CATALOG } from './contract/index.js';
import type { CounterTable } from './counter-table.js';
import { createCumulativeExporter, type ExportOutcomes } from './cumulative-exporter.js';
import type { ExportSettings } from './export-settings.js';
import type { MetricsLogger } from './logger.js';
import { createOtlpJsonExporter } from './otlp-exporter.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

export interface ExportPipelineOptions {
  readonly serviceVersion: string;
  readonly stackId: string | undefined;
  readonly settings: ExportSettings;
  readonly table: CounterTable;
  readonly logger: MetricsLogger;
  readonly outcomes: ExportOutcomes;
  /** When the totals started at zero: every exported point's start time. */
  readonly countingSince: HrTime;
}

export interface ExportPipeline {
  /** Exports the current totals now. */
  flush(): Promise<void>;
  /** Exports the totals a last time, then stops the timer. */
  shutdown(): Promise<void>;
  /** Cancels pending retries and closes sockets; for when shutdown's bound has passed. */
  abort(): void;
}

export function createExportPipeline(options: ExportPipelineOptions): ExportPipeline {
  const { settings, table } = options;
  const otlp = createOtlpJsonExporter(settings.url);
  const exporter = createCumulativeExporter(otlp.exporter, options.logger, options.outcomes, options.countingSince);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: settings.exportIntervalMs,
    exportTimeoutMillis: settings.exportTimeoutMs,
  });
  const provider = new MeterProvider({
    // Exactly these two attributes: no host, process or env detectors (minimal data at the first hop).
    resource: resourceFromAttributes({
      'service.version': options.serviceVersion,
      ...(options.stackId === undefined ? {} : { 'lunadefend.stack_id': options.stackId }),
    }),
    readers: [reader],
  });
  const meter = provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
  const instruments = METRIC_CATALOG.map((entry) =>
    meter.createObservableCounter(entry.instrument, {
      unit: entry.unit,
      description: entry.description,
      // Integer points (asInt), as the report's counters are integers.
      valueType: ValueType.INT,
    }),
  );
  meter.addBatchObservableCallback((result) => {
    METRIC_CATALOG.forEach((entry, i) => {
      const instrument = instruments[i];
      if (instrument !== undefined) result.observe(instrument, table.total(entry.instrument));
    });
  }, instruments);
  return {
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
    abort: () => otlp.abort(),
  };
}
