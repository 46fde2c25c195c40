// Validation of daily reports: the JSON Schema (compiled once with ajv) plus the checks a schema
// cannot express (the window is aligned to UTC and exactly one window long).

import { Ajv, type ErrorObject } from 'ajv';
import { REPORT_SCHEMA, type DailyReport, type ReportWindow } from './report-schema.js';

export const DAY_MS = 86_400_000;

export interface ValidationIssue {
  /** JSON Pointer of the offending value, e.g. `/metrics/tokenizeSuccess`. */
  readonly path: string;
  readonly message: string;
}

export type ReportCheck = { ok: true; report: DailyReport } | { ok: false; errors: ValidationIssue[] };

let compiled: ReturnType<Ajv['compile']> | undefined;

function validator(): ReturnType<Ajv['compile']> {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    compiled = ajv.compile(REPORT_SCHEMA as Record<string, unknown>);
  }
  return compiled;
}

/** Checks `value` against the report JSON Schema, naming the path of every failure. */
export function validateReportSchema(value: unknown): ReportCheck {
  const validate = validator();
  if (validate(value)) return { ok: true, report: value as DailyReport };
  return { ok: false, errors: (validate.errors ?? []).map(toIssue) };
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
