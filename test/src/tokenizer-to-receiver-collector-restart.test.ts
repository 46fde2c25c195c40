// The collector killed (SIGKILL, no shutdown) while a window holds counts, then started again on
// the same state directory and port: nothing acknowledged is lost and nothing is counted twice.
// The tokenizer keeps working throughout; its exports fail while the collector is down and the
// next cumulative export carries the difference.

import { describe, expect, it } from 'vitest';
import { formatUtcTimestamp, loadCollectorConfigFile, parseDuration, REPORT_KEYS } from '@lunadefend/config';
import { previewReports, readCollectorState } from '@lunadefend/collector';
import { waitUntil, writeCollectorConfig } from '@lunadefend/testkit';
import { E2E_WINDOW, collectorMetric, startCollector, startPipeline } from './support/pipeline.js';
import { awaitCollectorDrained, operationRound } from './support/scenario.js';
import { useScratchDir } from './support/scratch.js';
import { ledgerEntries, storedReports } from './support/stores.js';

const WINDOW_MS = parseDuration(E2E_WINDOW)!;
const ACCEPTED = 'lunadefend_collector_points_accepted_total';

describe('tokenizer → collector (killed and restarted mid-window) → receiver', () => {
  const scratch = useScratchDir('restart');

  it('loses nothing and counts nothing twice', async () => {
    const pipeline = await startPipeline(scratch.dir, { version: '3.1.0' });
    const { database, receiver, stateDirectory, tokenizer, client } = pipeline;
    let collector = pipeline.collector;
    // The restarted collector must come back where the tokenizer sends.
    const configPath = writeCollectorConfig(scratch.dir, { endpoint: receiver.reportsUrl, stateDirectory, window: E2E_WINDOW, otlpPort: collector.otlpPort });

    await operationRound(client, 0);
    await operationRound(client, 1);
    // Two more full exports (six points each) have been committed after those operations...
    const acceptedAfterOps = await collectorMetric(collector, ACCEPTED);
    await waitUntil('two exports after the operations', async () => (await collectorMetric(collector, ACCEPTED)) >= acceptedAfterOps + 12);
    // ...and the current window already has its report open in the state file and half of it still
    // to run, so the kill lands in the middle of an open window.
    const config = loadCollectorConfigFile(configPath, {}).config;
    const currentWindow = () => formatUtcTimestamp(Date.now() - (Date.now() % WINDOW_MS));
    const openWindows = () => previewReports(config).open.map((body) => (JSON.parse(body) as { window: { start: string } }).window.start);
    const windowAtKill = await waitUntil(
      'an open report for the current window, with half of it still to run',
      () => {
        const current = currentWindow();
        return WINDOW_MS - (Date.now() % WINDOW_MS) > WINDOW_MS / 2 && openWindows().includes(current) && current;
      },
      { intervalMs: 20 },
    );
    await collector.service.stop('SIGKILL');
    expect(openWindows()).toContain(windowAtKill); // the state file still holds that window open

    await operationRound(client, 2); // the collector is down: these wait in the tokenizer's cumulative totals
    collector = await startCollector(configPath);
    await operationRound(client, 3);
    expect(await tokenizer.service.stop('SIGTERM')).toBe(0);
    await awaitCollectorDrained(stateDirectory);

    expect(client.unanswered()).toBe(0);
    for (const key of REPORT_KEYS) expect(client.counts[key], key).toBeGreaterThan(0);
    expect(await receiver.totals()).toEqual(client.counts);
    const stored = await storedReports(database);
    expect(ledgerEntries(stateDirectory).map((e) => e.reportId).sort()).toEqual(stored.map((r) => r.reportId).sort());
    expect(readCollectorState(stateDirectory).deadLetters).toEqual([]);
  }, 120_000);
});
