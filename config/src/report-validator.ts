// Validation of daily reports: the JSON Schema of a version (compiled once with ajv) plus the
// checks a schema cannot express (the window is aligned to UTC and exactly one window long). The
// collector checks its own reports against the newest version; a receiver accepts every version
// its catalog has published, each against its own schema, and names a newer one as unsupported
// (the sender keeps such a report and retries: docs/report-contract.md).

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { METRIC_CATALOG, type MetricCatalog } from '@lunadefend/metrics/contract';
import { REPORT_SCHEMA, buildReportSchemas, type DailyReport, type ReportWindow, type VersionedReport } from './report-schema.js';

export const DAY_MS = 86_400_000;

export interface ValidationIssue {
  /** JSON Pointer of the offending value, e.g. `/metrics/tokenizeSuccess`. */
  readonly path: string;
  readonly message: string;
}

export type ReportCheck = { ok: true; report: DailyReport } | { ok: false; errors: ValidationIssue[] };

/** Why a report of some version was refused: it breaks its schema, or its version is newer than ours. */
export type VersionedReportCheck =
  | { ok: true; report: VersionedReport }
  | { ok: false; reason: 'schema_violation' | 'unsupported_schema_version'; errors: ValidationIssue[] };

export interface ReportValidator {
  /** Every schema version accepted, oldest first. */
  readonly versions: readonly number[];
  /** The schema of each accepted version (the one each report is checked against). */
  readonly schemas: ReadonlyMap<number, Readonly<Record<string, unknown>>>;
  /** Checks `value` against the schema of the version it names (the newest when it names none we know). */
  validate(value: unknown): VersionedReportCheck;
}

/** Compiles the schema of every version of `catalog` once. */
export function createReportValidator(catalog: MetricCatalog = METRIC_CATALOG): ReportValidator {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const compiled = new Map<number, ValidateFunction>();
  const schemas = buildReportSchemas(catalog);
  for (const [version, schema] of schemas) compiled.set(version, ajv.compile(schema as Record<string, unknown>));
  const versions = Object.freeze([...compiled.keys()]);
  const latest = versions[versions.length - 1] ?? 0;
  return {
    versions,
    schemas,
    validate(value) {
      const named = isObject(value) ? value.schema_version : undefined;
      if (Number.isSafeInteger(named) && (named as number) > latest) {
        return {
          ok: false,
          reason: 'unsupported_schema_version',
          errors: [{ path: '/schema_version', message: `is ${String(named)}; the versions accepted are 1 to ${latest}` }],
        };
      }
      const validate = compiled.get(named as number) ?? compiled.get(latest)!;
      if (validate(value)) return { ok: true, report: value as VersionedReport };
      return { ok: false, reason: 'schema_violation', errors: (validate.errors ?? []).map(toIssue) };
    },
  };
}

let current: ValidateFunction | undefined;

/** Checks `value` against the schema of the version this code writes, naming the path of every failure. */
export function validateReportSchema(value: unknown): ReportCheck {
  current ??= new Ajv({ allErrors: true, strict: true }).compile(REPORT_SCHEMA as Record<string, unknown>);
  if (current(value)) return { ok: true, report: value as DailyReport };
  return { ok: false, errors: (current.errors ?? []).map(toIssue) };
}

/**
 * Checks the window of a schema-valid report: start and end parse, start is aligned to a multiple
 * of `windowMs` since the Unix epoch (UTC midnight for 24h), and end − start equals `windowMs`.
 */
export function checkReportWindow(window: ReportWindow, windowMs = DAY_MS): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const start = parseUtcTimestamp(window.start);
  const end = parseUtcTimestamp(window.end);
  if (start === undefined) issues.push({ path: '/window/start', message: 'is not a valid UTC timestamp' });
  if (end === undefined) issues.push({ path: '/window/end', message: 'is not a valid UTC timestamp' });
  if (start === undefined || end === undefined) return issues;
  if (start % windowMs !== 0) {
    issues.push({ path: '/window/start', message: `is not aligned to a ${windowMs} ms UTC window boundary` });
  }
  if (end - start !== windowMs) {
    issues.push({ path: '/window/end', message: `must be exactly ${windowMs} ms after /window/start` });
  }
  return issues;
}

/** Schema and window checks together. */
export function validateReport(value: unknown, windowMs = DAY_MS): ReportCheck {
  const result = validateReportSchema(value);
  if (!result.ok) return result;
  const issues = checkReportWindow(result.report.window, windowMs);
  return issues.length === 0 ? result : { ok: false, errors: issues };
}

/** Milliseconds since the epoch for a strict `YYYY-MM-DDTHH:MM:SS[.mmm]Z`, else undefined. */
export function parseUtcTimestamp(text: string): number | undefined {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse accepts impossible dates such as 02-30 by rolling over; a round trip rejects them.
  const canonical = new Date(ms).toISOString();
  return canonical === text || canonical.replace('.000Z', 'Z') === text ? ms : undefined;
}

/** The canonical report form of a timestamp: seconds precision unless milliseconds are needed. */
export function formatUtcTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toIssue(error: ErrorObject): ValidationIssue {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return { path: `${error.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    return { path: `${error.instancePath}/${String(params.additionalProperty)}`, message: 'is not allowed' };
  }
  return { path: error.instancePath === '' ? '/' : error.instancePath, message: error.message ?? error.keyword };
}
