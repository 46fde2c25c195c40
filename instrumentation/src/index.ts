// Public API of @lunadefend/metrics.
export { startMetrics, DEFAULT_FLUSH_TIMEOUT_MS, type Metrics, type StartMetricsOptions } from './start-metrics.js';
export { createCounterTable, type CounterTable } from './counter-table.js';
export {
  DEFAULT_EXPORT_INTERVAL_MS,
  DEFAULT_EXPORT_TIMEOUT_MS,
  DEFAULT_METRICS_URL,
  resolveExportSettings,
  type ExportSettings,
} from './export-settings.js';
export type { MetricsLogger } from './logger.js';
export type { ExportOutcomes } from './cumulative-exporter.js';
export type { MetricName, TelemetryMode } from './contract/index.js';
