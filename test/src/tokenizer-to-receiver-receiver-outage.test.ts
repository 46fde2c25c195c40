// The receiver down for several windows, then back on the same address and database: the
// collector keeps sealing reports into its outbox, retries, and once the receiver answers again
// every report arrives exactly once — the receiver's stored report ids are the collector's ledger,
// one for one, and the totals equal the operations performed.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_KEYS } from '@lunadefend/config';
import { readCollectorState } from '@lunadefend/collector';
import { writeCollectorConfig } from './support/collector-config.js';
import { E2E_WINDOW } from './support/counting-run.js';
import { collectorMetric, startCollector, startReceiver, startTokenizer } from './support/pipeline.js';
import { stopAllServices } from './support/process.js';
import { receiverReportCounts, receiverTotals } from './support/receiver-stats.js';
import { awaitCollectorDrained, operationRound } from './support/scenario.js';
import { ledgerEntries, storedReports } from './support/stores.js';
import { createTokenizerClient } from './support/tokenizer-client.js';
import { waitUntil } from './support/wait.js';

const OUTAGE_WINDOWS = 3;

describe('tokenizer → collector → receiver (down for several windows, then back)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lunadefend-e2e-outage-'));
  });
  afterEach(async () => {
    await stopAllServices();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every report exactly once after the receiver comes back', async () => {
    const database = { kind: 'sqlite', path: join(dir, 'receiver.db') } as const;
    let receiver = await startReceiver({ database, window: E2E_WINDOW });
    const stateDirectory = join(dir, 'collector-state');
    const collector = await startCollector(writeCollectorConfig(dir, { endpoint: receiver.reportsUrl, stateDirectory, window: E2E_WINDOW }));
    const tokenizer = await startTokenizer({ otlpEndpoint: collector.otlpUrl, stackId: randomUUID(), version: '0.9.1' });
    const client = createTokenizerClient(tokenizer.url);

    await operationRound(client, 0);
    await waitUntil('a first report delivered before the outage', () => ledgerEntries(stateDirectory).length > 0);
    expect(await receiver.service.stop('SIGTERM')).toBe(0);
    const deliveredBefore = ledgerEntries(stateDirectory).length;

    // Operations in each of several windows while the receiver is down: each window is sealed into
    // the outbox and every send attempt fails.
    for (let round = 1; round <= OUTAGE_WINDOWS; round++) {
      await operationRound(client, round);
      await waitUntil(`window ${round} of the outage sealed into the outbox`, () => readCollectorState(stateDirectory).outbox.length >= round, { timeoutMs: 20_000 });
    }
    await waitUntil('a send attempt for every report waiting in the outbox', () => readCollectorState(stateDirectory).outbox.every((entry) => entry.attempts > 0));
    expect(await collectorMetric(collector, 'lunadefend_collector_export_failures_total')).toBeGreaterThanOrEqual(OUTAGE_WINDOWS);
    expect(ledgerEntries(stateDirectory)).toHaveLength(deliveredBefore);

    receiver = await startReceiver({ database, window: E2E_WINDOW, port: receiver.port, adminToken: receiver.adminToken });
    await operationRound(client, OUTAGE_WINDOWS + 1);
    expect(await tokenizer.service.stop('SIGTERM')).toBe(0);
    await awaitCollectorDrained(stateDirectory);

    const ledger = ledgerEntries(stateDirectory);
    const stored = await storedReports(database);
    const ledgerIds = ledger.map((e) => e.reportId);
    expect(new Set(ledgerIds).size).toBe(ledgerIds.length);
    expect([...ledgerIds].sort()).toEqual(stored.map((r) => r.reportId).sort());
    // Everything that waited in the outbox arrived at the restarted receiver, each report once.
    const counts = await receiverReportCounts(receiver.url);
    expect(counts.accepted + counts.duplicate).toBe(ledger.length - deliveredBefore);
    expect(client.unanswered()).toBe(0);
    for (const key of REPORT_KEYS) expect(client.counts[key], key).toBeGreaterThan(0);
    expect((await receiverTotals(receiver.url, receiver.adminToken)).totals).toEqual(client.counts);
    expect(readCollectorState(stateDirectory).deadLetters).toEqual([]);
  }, 120_000);
});
