// The report exporter: sends due outbox entries one at a time, exactly as stored. Delivered (2xx,
// including 200 "duplicate") → the entry leaves the outbox and its exact bytes enter the ledger,
// in one transaction. Retryable → rescheduled (backoff + jitter, or Retry-After), forever until
// max_age after the window's end, then dropped and counted. Rejected (other 4xx) → dead letter.
// Unlike exporterhelper, there is no max_elapsed_time short of max_age and nothing is deleted on
// shutdown: an interrupted send is simply retried after restart (the receiver removes duplicates).

import type { Logger } from '../component.js';
import type { StateHandle } from '../state/state-handle.js';
import { META } from '../state/state-identity.js';
import type { OutboxEntry } from '../state/tables.js';
import type { OwnMetrics } from '../telemetry/own-metrics.js';
import type { ReportTransport, SendResult } from './http-transport.js';
import { backoffDelayMs, parseRetryAfterMs, type RetrySettings } from './retry-policy.js';

export interface ExportSummary {
  readonly delivered: number;
  readonly retried: number;
  readonly deadLettered: number;
  readonly expired: number;
}

export interface ReportExporter {
  /** Sends every due report once. Calls while one is running join it (never overlapping). */
  exportDue(): Promise<ExportSummary>;
}

export interface ReportExporterOptions {
  readonly state: StateHandle;
  /** The network transport, or 'local' to keep reports in the ledger without connecting. */
  readonly transport: ReportTransport | 'local';
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

  const handle = async (entry: OutboxEntry, summary: { delivered: number; retried: number; deadLettered: number; expired: number }) => {
    const nowMs = options.now();
    if (nowMs > entry.windowEndMs + options.maxAgeMs) {
      options.state.write((store) => {
        store.outbox.delete(entry.reportId);
        const expired = Number(store.metadata.get(META.reportsExpired) ?? '0') + 1;
        store.metadata.set(META.reportsExpired, String(expired));
      });
      options.metrics.reportExpired();
      options.logger.warn({ code: 'REPORT_EXPIRED', attempts: entry.attempts }, 'export: a report passed max_age undelivered; dropped');
      summary.expired++;
      return;
    }
    let result: SendResult = { kind: 'delivered', status: 0, duplicate: false };
    if (options.transport !== 'local') {
      options.metrics.exportAttempt();
      result = await options.transport.send(entry.body);
    }
    const doneMs = options.now();
    if (result.kind === 'delivered') {
      const outcome = options.transport === 'local' ? 'local' : result.duplicate ? 'duplicate' : 'accepted';
      options.state.write((store) => {
        store.outbox.delete(entry.reportId);
        store.ledger.append({ reportId: entry.reportId, deliveredAtMs: doneMs, outcome, status: options.transport === 'local' ? null : result.status, body: entry.body });
        store.metadata.set(META.lastSend, JSON.stringify({ atMs: doneMs, outcome, status: options.transport === 'local' ? null : result.status }));
      });
      options.metrics.reportDelivered(outcome);
      summary.delivered++;
    } else if (result.kind === 'retryable') {
      const attempts = entry.attempts + 1;
      const delayMs = parseRetryAfterMs(result.retryAfter, doneMs) ?? backoffDelayMs(attempts, options.retry, options.random);
      options.state.write((store) => {
        store.outbox.reschedule(entry.reportId, doneMs + delayMs, attempts, `${result.code}: ${result.detail}`);
        store.metadata.set(META.lastSend, JSON.stringify({ atMs: doneMs, outcome: 'retry', code: result.code, status: result.status }));
      });
      options.metrics.exportFailure('retryable');
      options.logger.warn({ code: result.code, status: result.status, attempts, retryInMs: delayMs }, 'export: send failed; will retry');
      summary.retried++;
    } else {
      options.state.write((store) => {
        store.outbox.delete(entry.reportId);
        store.deadLetters.insert({ reportId: entry.reportId, windowEndMs: entry.windowEndMs, body: entry.body, status: result.status, error: result.error, deadAtMs: doneMs });
        store.metadata.set(META.lastSend, JSON.stringify({ atMs: doneMs, outcome: 'dead_letter', code: 'EXPORT_REJECTED', status: result.status }));
      });
      options.metrics.exportFailure('permanent');
      options.logger.error({ code: 'EXPORT_REJECTED', status: result.status }, 'export: the receiver rejected a report; moved to dead letters (see `lunadefend-collector status`)');
      summary.deadLettered++;
    }
  };

  const run = async (): Promise<ExportSummary> => {
    const summary = { delivered: 0, retried: 0, deadLettered: 0, expired: 0 };
    let due: OutboxEntry[];
    try {
      due = options.state.read((store) => store.outbox.due(options.now(), options.batchSize ?? 100));
    } catch {
      return summary; // state unavailable: logged by the handle; the next tick tries again
    }
    for (const entry of due) {
      try {
        await handle(entry, summary);
      } catch {
        return summary; // the outcome could not be recorded: the entry stays and is sent again
      }
    }
    return summary;
  };

  return {
    exportDue() {
      running ??= run().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
