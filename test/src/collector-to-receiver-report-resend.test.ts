// The one wire contract between the two packages, exercised by both real ends: reports produced
// by the collector's own exporter are accepted by the real receiver (202), `preview` showed those
// exact bytes while they waited in the outbox, and the same bytes sent again are answered as a
// duplicate (200) without being counted twice.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateReportSchema } from '@lunadefend/config';
import { readCollectorState } from '@lunadefend/collector';
import { writeCollectorConfig } from './support/collector-config.js';
import { E2E_WINDOW } from './support/counting-run.js';
import { parsePreview, runCollectorCli, startCollector, startReceiver, startTokenizer } from './support/pipeline.js';
import { stopAllServices } from './support/process.js';
import { receiverTotals } from './support/receiver-stats.js';
import { awaitCollectorDrained, operationRound } from './support/scenario.js';
import { ledgerEntries, storedReports } from './support/stores.js';
import { createTokenizerClient } from './support/tokenizer-client.js';
import { waitUntil } from './support/wait.js';

describe('collector exporter → receiver', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lunadefend-e2e-resend-'));
  });
  afterEach(async () => {
    await stopAllServices();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends what preview showed, byte for byte; the receiver accepts it (202) and answers the same bytes again as a duplicate (200)', async () => {
    const database = { kind: 'sqlite', path: join(dir, 'receiver.db') } as const;
    // Take a port for the receiver, and keep it down while the reports pile up in the outbox.
    const first = await startReceiver({ database, window: E2E_WINDOW });
    await first.service.stop('SIGTERM');
    const stateDirectory = join(dir, 'collector-state');
    const configPath = writeCollectorConfig(dir, { endpoint: first.reportsUrl, stateDirectory, window: E2E_WINDOW });
    const collector = await startCollector(configPath);
    const tokenizer = await startTokenizer({ otlpEndpoint: collector.otlpUrl, stackId: randomUUID(), version: '1.0.0-rc.1' });
    const client = createTokenizerClient(tokenizer.url);
    await operationRound(client, 0);
    await operationRound(client, 1);
    expect(await tokenizer.service.stop('SIGTERM')).toBe(0);
    await waitUntil('every window sealed into the outbox', () => {
      const state = readCollectorState(stateDirectory);
      return state.openReports === 0 && state.outbox.length > 0;
    });

    const preview = runCollectorCli(['preview', '--config', configPath]);
    expect(preview.status).toBe(0);
    const waiting = parsePreview(preview.stdout).outbox;
    expect(waiting.length).toBe(readCollectorState(stateDirectory).outbox.length);
    for (const body of waiting) expect(validateReportSchema(JSON.parse(body)).ok).toBe(true);

    const receiver = await startReceiver({ database, window: E2E_WINDOW, port: first.port, adminToken: first.adminToken });
    await awaitCollectorDrained(stateDirectory);

    const ledger = ledgerEntries(stateDirectory);
    expect(ledger.map((e) => e.body).sort()).toEqual([...waiting].sort());
    expect(ledger.every((e) => e.outcome === 'accepted' && e.status === 202)).toBe(true);
    const totals = (await receiverTotals(receiver.url, receiver.adminToken)).totals;
    expect(totals).toEqual(client.counts);

    for (const body of waiting) {
      const response = await fetch(receiver.reportsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(200);
      // The answer carries the receipt the first delivery got: the same leaf of the receiver's log.
      const first = ledger.find((e) => e.body === body)!;
      expect(await response.json()).toEqual({ status: 'duplicate', receipt: { leaf_index: first.leafIndex, leaf_hash: first.leafHash } });
    }
    expect((await receiverTotals(receiver.url, receiver.adminToken)).totals).toEqual(totals);
    expect((await storedReports(database)).map((r) => r.reportId).sort()).toEqual(ledger.map((e) => e.reportId).sort());
  }, 120_000);
});
