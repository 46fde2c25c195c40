// The report exporter: sends due outbox entries one at a time, exactly as stored, through its
// transport (HTTP, or the ledger alone in `local` mode). Delivered (2xx, including 200
// "duplicate", or local) → the entry leaves the outbox and its exact bytes enter the ledger, in
// one transaction. Retryable → rescheduled (backoff + jitter, or Retry-After), forever until
// max_age after the window's end, then dropped and counted. Rejected (other 4xx) → dead letter.
// Unlike exporterhelper, there is no max_elapsed_time short of max_age and nothing is deleted on
// shutdown: an interrupted send is simply retried after restart (the receiver removes duplicates).
// A send whose outcome cannot be written is held back in memory with the same backoff, so it
// neither hammers the receiver nor blocks the reports behind it; three in a row is "wedged".
import type { Logger } from '../component.js';
import type { StateHandle } from '../state/state-handle.js';
import { EXPORT_NOTICES } from '../state/notice-board.js';
import type { OutboxEntry } from '../model/rows.js';
import type { OwnMetrics } from '../telemetry/own-metrics.js';
import type { ReportTransport } from './report-transport.js';
import { createClockSkew, type ClockSkew } from './clock-skew.js';
import { backoffDelayMs, parseRetryAfterMs, type RetrySettings } from './retry-policy.js';

/** Consecutive unrecorded outcomes of one report after which the exporter counts as wedged. */
export const WEDGED_AFTER_FAILURES = 3;

export interface ExporterFault {
  readonly reportId: string;
  readonly failures: number;
  readonly reason: string;
}

export interface ExportSummary {
  readonly delivered: number;
  readonly retried: number;
  readonly deadLettered: number;
  readonly expired: number;
}

export interface ReportExporter {
  /** Sends every due report once. Calls while one is running join it (never overlapping). */
  exportDue(): Promise<ExportSummary>;
  /** The report whose outcome keeps failing to be recorded, when there is one (health turns 503). */
  wedged(): ExporterFault | undefined;
  /** The receiver's clock minus ours, as last measured from its Date header. */
  readonly clockSkew: ClockSkew;
}

export interface ReportExporterOptions {
  readonly state: StateHandle;
  /** HTTP to the receiver, or the ledger-only transport of `local` mode. */
  readonly transport: ReportTransport;
  readonly retry: RetrySettings;
  readonly maxAgeMs: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly logger: Logger;
  readonly metrics: OwnMetrics;
  /** Most reports handled per exportDue() call. */
  readonly batchSize?: number;
}

export function createReportExporter(options: ReportExporterOptions): ReportExporter {
  let running: Promise<ExportSummary> | undefined;
  // Reports whose last outcome could not be written: not before `untilMs`, `failures` in a row.
  const held = new Map<string, { untilMs: number; failures: number; reason: string }>();
  const clockSkew = createClockSkew({ logger: options.logger });

  const handle = async (entry: OutboxEntry, summary: { delivered: number; retried: number; deadLettered: number; expired: number }) => {
    const nowMs = options.now();
    if (nowMs > entry.windowEndMs + options.maxAgeMs) {
      options.state.write((store) => {
        store.outbox.delete(entry.reportId);
        EXPORT_NOTICES.reportsExpired.set(store, (EXPORT_NOTICES.reportsExpired.get(store) ?? 0) + 1);
      });
      options.metrics.reportExpired();
      options.logger.warn({ code: 'REPORT_EXPIRED', attempts: entry.attempts }, 'export: a report passed max_age undelivered; dropped');
      summary.expired++;
      return;
    }
    const result = await options.transport.send(entry.body);
    clockSkew.observe(result.serverDate, nowMs, options.now());
    const doneMs = options.now();
    const skew = clockSkew.last();
    if (result.kind === 'delivered') {
      const { outcome, status } = result;
      options.state.write((store) => {
        store.outbox.delete(entry.reportId);
        store.ledger.append({
          reportId: entry.reportId,
          deliveredAtMs: doneMs,
          outcome,
          status,
          body: entry.body,
          leafIndex: result.receipt?.leafIndex ?? null,
          leafHash: result.receipt?.leafHash.toString('hex') ?? null,
        });
        EXPORT_NOTICES.lastSend.set(store, { atMs: doneMs, outcome, status });
        if (skew !== undefined) EXPORT_NOTICES.clockSkew.set(store, skew);
      });
      options.metrics.reportDelivered(outcome);
      summary.delivered++;
    } else if (result.kind === 'retryable') {
      const attempts = entry.attempts + 1;
      const delayMs = parseRetryAfterMs(result.retryAfter, doneMs) ?? backoffDelayMs(attempts, options.retry, options.random);
      options.state.write((store) => {
        store.outbox.reschedule(entry.reportId, doneMs + delayMs, attempts, `${result.code}: ${result.detail}`);
        EXPORT_NOTICES.lastSend.set(store, { atMs: doneMs, outcome: 'retry', code: result.code, status: result.status });
        if (skew !== undefined) EXPORT_NOTICES.clockSkew.set(store, skew);
      });
      options.metrics.exportFailure('retryable');
      options.logger.warn({ code: result.code, status: result.status, attempts, retryInMs: delayMs }, 'export: send failed; will retry');
      summary.retried++;
    } else {
      options.state.write((store) => {
        store.outbox.delete(entry.reportId);
        store.deadLetters.insert({ reportId: entry.reportId, windowEndMs: entry.windowEndMs, body: entry.body, status: result.status, error: result.error, deadAtMs: doneMs });
        EXPORT_NOTICES.lastSend.set(store, { atMs: doneMs, outcome: 'dead_letter', code: result.code, status: result.status });
        if (skew !== undefined) EXPORT_NOTICES.clockSkew.set(store, skew);
      });
      options.metrics.exportFailure('permanent');
      options.logger.error({ code: result.code, status: result.status }, 'export: the receiver rejected a report; moved to dead letters (see `lunadefend-collector status`)');
      summary.deadLettered++;
    }
  };

  /** The outcome of `entry` could not be written: hold it back like a failed send, attempts counted. */
  const notRecorded = (entry: OutboxEntry, error: unknown) => {
    const nowMs = options.now();
    const failures = (held.get(entry.reportId)?.failures ?? 0) + 1;
    const delayMs = backoffDelayMs(entry.attempts + failures, options.retry, options.random);
    const reason = error instanceof Error ? error.message : String(error);
    held.set(entry.reportId, { untilMs: nowMs + delayMs, failures, reason });
    options.metrics.exportFailure('not_recorded');
    const fields = { code: 'EXPORT_NOT_RECORDED', failures, retryInMs: delayMs };
    if (failures === WEDGED_AFTER_FAILURES) {
      options.logger.error(fields, 'export: wedged — a report\'s outcome keeps failing to be written to the state file; health answers 503');
    } else {
      options.logger.warn(fields, 'export: the outcome of a send could not be written; holding the report back');
    }
  };

  const run = async (): Promise<ExportSummary> => {
    const summary = { delivered: 0, retried: 0, deadLettered: 0, expired: 0 };
    const nowMs = options.now();
    const limit = options.batchSize ?? 100;
    let due: OutboxEntry[];
    try {
      due = options.state.read((store) => store.outbox.due(nowMs, limit + held.size));
    } catch {
      return summary; // state unavailable: logged by the handle; the next tick tries again
    }
    due = due.filter((entry) => (held.get(entry.reportId)?.untilMs ?? 0) <= nowMs).slice(0, limit);
    for (const entry of due) {
      try {
        await handle(entry, summary);
        held.delete(entry.reportId);
      } catch (error) {
        notRecorded(entry, error);
        return summary; // the state is failing: the reports behind wait for the next tick, not for this one
      }
    }
    return summary;
  };

  return {
    clockSkew,
    wedged() {
      let worst: ExporterFault | undefined;
      for (const [reportId, h] of held) {
        if (h.failures >= WEDGED_AFTER_FAILURES && (worst === undefined || h.failures > worst.failures)) worst = { reportId, failures: h.failures, reason: h.reason };
      }
      return worst;
    },
    exportDue() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
