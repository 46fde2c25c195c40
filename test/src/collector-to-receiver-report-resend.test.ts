// The one wire contract between the two packages, exercised by both real ends: reports produced
// by the collector's own exporter are accepted by the real receiver (202), `preview` showed those
// exact bytes while they waited in the outbox, and the same bytes sent again are answered as a
// duplicate (200) without being counted twice.

import { describe, expect, it } from 'vitest';
import { validateReportSchema } from '@lunadefend/config';
import { readCollectorState } from '@lunadefend/collector';
import { E2E_WINDOW, parsePreview, runCollectorCli, sqliteIn, startReceiver, startSidecar } from './support/pipeline.js';
import { awaitCollectorDrained, awaitSealedIntoOutbox, countThenStop } from './support/scenario.js';
import { useScratchDir } from './support/scratch.js';
import { ledgerEntries, storedReports } from './support/stores.js';

describe('collector exporter → receiver', () => {
  const scratch = useScratchDir('resend');

  it('sends what preview showed, byte for byte; the receiver accepts it (202) and answers the same bytes again as a duplicate (200)', async () => {
    const database = sqliteIn(scratch.dir);
    // Take a port for the receiver, and keep it down while the reports pile up in the outbox.
    const first = await startReceiver({ database, window: E2E_WINDOW });
    await first.service.stop('SIGTERM');
    const sidecar = await startSidecar(scratch.dir, { endpoint: first.reportsUrl, version: '1.0.0-rc.1' });
    const { stateDirectory, configPath, client } = sidecar;
    expect(await countThenStop(sidecar)).toBe(0);
    await awaitSealedIntoOutbox(stateDirectory);

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
    const totals = await receiver.totals();
    expect(totals).toEqual(client.counts);

    for (const body of waiting) {
      const response = await fetch(receiver.reportsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(200);
      // The answer carries the receipt the first delivery got: the same leaf of the receiver's log.
      const first = ledger.find((e) => e.body === body)!;
      expect(await response.json()).toEqual({ status: 'duplicate', receipt: { leaf_index: first.leafIndex, leaf_hash: first.leafHash } });
    }
    expect(await receiver.totals()).toEqual(totals);
    expect((await storedReports(database)).map((r) => r.reportId).sort()).toEqual(ledger.map((e) => e.reportId).sort());
  }, 120_000);
});
