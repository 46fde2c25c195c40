// The receiver down for several windows, then back on the same address and database: the
// collector keeps sealing reports into its outbox, retries, and once the receiver answers again
// every report arrives exactly once — the receiver's stored report ids are the collector's ledger,
// one for one, and the totals equal the operations performed.

import { describe, expect, it } from 'vitest';
import { REPORT_KEYS } from '@lunadefend/config';
import { readCollectorState } from '@lunadefend/collector';
import { receiverReportCounts, waitUntil } from '@lunadefend/testkit';
import { E2E_WINDOW, collectorMetric, startPipeline, startReceiver } from './support/pipeline.js';
import { awaitCollectorDrained, operationRound } from './support/scenario.js';
import { useScratchDir } from './support/scratch.js';
import { ledgerEntries, storedReports } from './support/stores.js';

const OUTAGE_WINDOWS = 3;

describe('tokenizer → collector → receiver (down for several windows, then back)', () => {
  const scratch = useScratchDir('outage');

  it('delivers every report exactly once after the receiver comes back', async () => {
    const pipeline = await startPipeline(scratch.dir, { version: '0.9.1' });
    const { database, stateDirectory, collector, tokenizer, client } = pipeline;
    let receiver = pipeline.receiver;

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
    expect(await receiver.totals()).toEqual(client.counts);
    expect(readCollectorState(stateDirectory).deadLetters).toEqual([]);
  }, 120_000);
});
