// The whole chain counting real operations: receiver, collector and example tokenizer as real
// processes with windows of seconds; a known mix of operations spread over several windows; the
// tokenizer stopped (its final flush), then every window sealed and sent. The operations start as
// soon as the tokenizer listens, as a service's first requests would. Returns what each end
// holds, and checks them against what was performed.

import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { REPORT_KEYS, parseDuration, type ReportMetrics } from '@lunadefend/config';
import { E2E_WINDOW, startPipeline, type ReceiverDatabase } from './pipeline.js';
import { awaitCollectorDrained, operationRounds } from './scenario.js';
import { ledgerEntries, storedReports, sumMetrics, type LedgerEntry, type StoredReport } from './stores.js';

export interface CountingRun {
  readonly stackId: string;
  readonly version: string;
  /** What the tokenizer answered, per report key. */
  readonly performed: ReportMetrics;
  readonly unanswered: number;
  readonly tokenizerExitCode: number | null;
  /** The receiver's stats API, summed over the days around now. */
  readonly statsTotals: ReportMetrics;
  readonly stored: readonly StoredReport[];
  readonly ledger: readonly LedgerEntry[];
}

export interface CountingRunOptions {
  /** The tokenizer's OTEL_METRIC_EXPORT_INTERVAL (default: startTokenizer's). */
  readonly exportIntervalMs?: number;
}

export async function countingRun(dir: string, database: ReceiverDatabase, options: CountingRunOptions = {}): Promise<CountingRun> {
  const stackId = randomUUID();
  const version = '1.4.2';
  const { receiver, client, tokenizer, stateDirectory } = await startPipeline(dir, { database, stackId, version, exportIntervalMs: options.exportIntervalMs });
  await operationRounds(client, 3, parseDuration(E2E_WINDOW)!);
  const tokenizerExitCode = await tokenizer.service.stop('SIGTERM');
  await awaitCollectorDrained(stateDirectory);

  return {
    stackId,
    version,
    performed: { ...client.counts },
    unanswered: client.unanswered(),
    tokenizerExitCode,
    statsTotals: await receiver.totals(),
    stored: await storedReports(database),
    ledger: ledgerEntries(stateDirectory),
  };
}

/**
 * Every operation arrived exactly once: each counter moved (so a metric mixed up with another
 * cannot go unnoticed), the stats API and the stored reports both equal what was performed, all
 * from this run's stack, and the collector's ledger is what the receiver stored, one for one.
 */
export function expectCountedExactly(run: CountingRun): void {
  expect(run.unanswered).toBe(0);
  expect(run.tokenizerExitCode).toBe(0);
  for (const key of REPORT_KEYS) expect(run.performed[key], key).toBeGreaterThan(0);
  expect(run.statsTotals).toEqual(run.performed);
  // The operations ran in three windows, but points belong to the window in which the collector
  // received them, so on a loaded machine late exports may share one: at least one report.
  expect(run.stored.length).toBeGreaterThanOrEqual(1);
  expect(sumMetrics(run.stored)).toEqual(run.performed);
  expect(new Set(run.stored.map((r) => r.stackId))).toEqual(new Set([run.stackId]));
  expect(new Set(run.stored.map((r) => r.version))).toEqual(new Set([run.version]));
  expect(run.ledger.map((e) => e.reportId).sort()).toEqual(run.stored.map((r) => r.reportId).sort());
  expect(run.ledger.every((e) => e.outcome === 'accepted' && e.status === 202)).toBe(true);
}
