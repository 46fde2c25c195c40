// The daily report JSON Schema of every version, generated from the catalog. It is the one wire
// contract with the vendor: the collector checks its own output against the newest version and the
// receiver validates every request against the version it names (docs/report-contract.md).

import { deepFreeze } from './freeze.js';
import {
  METRIC_CATALOG,
  SEMVER_PATTERN,
  UUID_V4_PATTERN,
  VERSION_MAX_LENGTH,
  entriesAt,
  schemaVersions,
  type MetricCatalog,
  type ReportMetrics,
} from '@lunadefend/metrics/contract';

// The identity patterns live beside the catalog in the published package, which checks them too.
export { SEMVER_PATTERN, UUID_V4_PATTERN, VERSION_MAX_LENGTH };

/** The version this code writes: the catalog's newest (catalog.test.ts holds the two together). */
export const REPORT_SCHEMA_VERSION = 1;

/** Largest integer a JSON number carries exactly (2^53 − 1). */
export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

/** A UTC timestamp with second (or millisecond) precision, always ending in Z. */
export const UTC_TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{3})?Z$';

export interface ReportWindow {
  readonly start: string;
  readonly end: string;
}

/** A daily report of any published schema version: it carries the counters of its version. */
export interface VersionedReport {
  readonly schema_version: number;
  readonly report_id: string;
  readonly version: string;
  readonly stack_id: string;
  readonly window: ReportWindow;
  readonly metrics: Readonly<Record<string, number>>;
}

/** One daily report of the version this code writes, exactly as it crosses the network. */
export interface DailyReport extends VersionedReport {
  readonly schema_version: typeof REPORT_SCHEMA_VERSION;
  readonly metrics: ReportMetrics;
}

/** The JSON Schema (draft-07) of one schema version of a catalog, frozen. */
export function buildReportSchema(catalog: MetricCatalog, schemaVersion: number): Readonly<Record<string, unknown>> {
  const entries = entriesAt(catalog, schemaVersion);
  const counter = { type: 'integer', minimum: 0, maximum: MAX_COUNTER };
  const uuid = { type: 'string', maxLength: 36, pattern: UUID_V4_PATTERN };
  const timestamp = { type: 'string', maxLength: 24, pattern: UTC_TIMESTAMP_PATTERN };
  return deepFreeze({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://lunadefend.example/schemas/daily-report/v${schemaVersion}.json`,
    title: 'LunaDefend daily usage report',
    description: 'Daily totals of one deployment (stack id) and product version over one UTC window.',
    type: 'object',
    additionalProperties: false,
    required: ['schema_version', 'report_id', 'version', 'stack_id', 'window', 'metrics'],
    properties: {
      schema_version: { type: 'integer', const: schemaVersion },
      report_id: { ...uuid, description: 'Random UUID made when the window was sealed; the same on every retry.' },
      version: { type: 'string', minLength: 5, maxLength: VERSION_MAX_LENGTH, pattern: SEMVER_PATTERN },
      stack_id: { ...uuid, description: 'Random per-deployment identifier, never derived from anything.' },
      window: {
        type: 'object',
        additionalProperties: false,
        required: ['start', 'end'],
        properties: { start: timestamp, end: timestamp },
      },
      metrics: {
        type: 'object',
        additionalProperties: false,
        required: entries.map((m) => m.reportKey),
        properties: Object.fromEntries(entries.map((m) => [m.reportKey, { ...counter, description: m.description }])),
      },
    },
  });
}

/** The schema of every version a catalog has published, by version. */
export function buildReportSchemas(catalog: MetricCatalog): ReadonlyMap<number, Readonly<Record<string, unknown>>> {
  return new Map(schemaVersions(catalog).map((version) => [version, buildReportSchema(catalog, version)]));
}

/** The report JSON Schema of the version this code writes, frozen. */
export const REPORT_SCHEMA: Readonly<Record<string, unknown>> = buildReportSchema(METRIC_CATALOG, REPORT_SCHEMA_VERSION);
