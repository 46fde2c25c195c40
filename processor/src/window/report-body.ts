// The exact bytes of a daily report. The key order is fixed and the metrics follow the catalog,
// so preview, outbox, network and ledger all carry one and the same string.

import { REPORT_KEYS, REPORT_SCHEMA_VERSION, formatUtcTimestamp, validateReport, type DailyReport } from '@lunadefend/config';
import type { ReportGroup } from '../model/rows.js';

export function buildReport(group: ReportGroup, windowMs: number): DailyReport {
  const metrics = Object.fromEntries(REPORT_KEYS.map((key) => [key, group.totals[key] ?? 0])) as DailyReport['metrics'];
  return {
    schema_version: REPORT_SCHEMA_VERSION,
    report_id: group.reportId,
    version: group.version,
    stack_id: group.stackId,
    window: { start: formatUtcTimestamp(group.windowStartMs), end: formatUtcTimestamp(group.windowStartMs + windowMs) },
    metrics,
  };
}

export type ReportBody = { readonly ok: true; readonly body: string } | { readonly ok: false; readonly body: string; readonly error: string };

/** Serialises a report group and checks it against the shared schema and window rules. */
export function reportBody(group: ReportGroup, windowMs: number): ReportBody {
  const report = buildReport(group, windowMs);
  const body = JSON.stringify(report);
  const check = validateReport(report, windowMs);
  if (check.ok) return { ok: true, body };
  return { ok: false, body, error: check.errors.map((e) => `${e.path} ${e.message}`).join('; ') };
}
