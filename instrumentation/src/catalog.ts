// What this package takes from config/ (the single source of truth): the metric catalog, the
// telemetry mode decision and the version and stack-id patterns. These modules are compiled into
// the package itself, so it installs from its own tarball and loads neither config's YAML
// parser nor its JSON Schema validator (a test checks a real process's module graph).

export { METRIC_CATALOG, METRIC_NAMES, type MetricName } from '../../config/src/catalog.js';
export { SEMVER_PATTERN, UUID_V4_PATTERN, VERSION_MAX_LENGTH } from '../../config/src/report-schema.js';
export { decideTelemetryMode, type TelemetryMode } from '../../config/src/telemetry-mode.js';
