// The report contract's dependency-free pieces, published as `@lunadefend/metrics/contract`: the
// metric catalog, the identity patterns and the telemetry mode decision. This is their one home;
// @lunadefend/config re-exports them by this name. The subpath loads no OpenTelemetry code (and
// nothing but these files), so the collector and the receiver can take it too.

export {
  METRIC_CATALOG,
  METRIC_NAMES,
  REPORT_KEYS,
  catalogEntry,
  catalogProblems,
  entriesAt,
  isMetricName,
  latestSchemaVersion,
  reportKeyOf,
  schemaVersions,
  zeroMetrics,
  type CatalogEntry,
  type FirstReportKey,
  type MetricCatalog,
  type MetricName,
  type MetricTotals,
  type ReportKey,
  type ReportMetrics,
} from './catalog.js';
export { SEMVER_PATTERN, UUID_V4_PATTERN, VERSION_MAX_LENGTH } from './report-patterns.js';
export { MODE_VARIABLES, decideTelemetryMode, type ModeDecision, type TelemetryMode } from './telemetry-mode.js';
