// The whole chain counting real operations: receiver, collector and example tokenizer as real
// processes with windows of seconds; a known mix of operations spread over several windows; the
// tokenizer stopped (its final flush), then every window sealed and sent. The operations start as
// soon as the tokenizer listens, as a service's first requests would. Returns what each end
// holds, for the test to compare with what was performed.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parseDuration, type ReportMetrics } from '@lunadefend/config';
import { writeCollectorConfig } from './collector-config.js';
import { startCollector, startReceiver, startTokenizer, type ReceiverDatabase } from './pipeline.js';
import { receiverTotals } from './receiver-stats.js';
import { awaitCollectorDrained, operationRounds } from './scenario.js';
import { ledgerEntries, storedReports, type LedgerEntry, type StoredReport } from './stores.js';
import { createTokenizerClient } from './tokenizer-client.js';

export const E2E_WINDOW = '2s';

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
  const receiver = await startReceiver({ database, window: E2E_WINDOW });
  const stateDirectory = join(dir, 'collector-state');
  const configPath = writeCollectorConfig(dir, { endpoint: receiver.reportsUrl, stateDirectory, window: E2E_WINDOW });
  const collector = await startCollector(configPath);
  const tokenizer = await startTokenizer({ otlpEndpoint: collector.otlpUrl, stackId, version, exportIntervalMs: options.exportIntervalMs });

  const client = createTokenizerClient(tokenizer.url);
  await operationRounds(client, 3, parseDuration(E2E_WINDOW)!);
  const tokenizerExitCode = await tokenizer.service.stop('SIGTERM');
  await awaitCollectorDrained(stateDirectory);

  return {
    stackId,
    version,
    performed: { ...client.counts },
    unanswered: client.unanswered(),
    tokenizerExitCode,
    statsTotals: (await receiverTotals(receiver.url, receiver.adminToken)).totals,
    stored: await storedReports(database),
    ledger: ledgerEntries(stateDirectory),
  };
}
