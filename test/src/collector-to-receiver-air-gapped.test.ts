// Air-gapped delivery with the real processes: a collector with no route to the receiver exports
// its outbox to a file; the receiver imports it (twice: the second stores nothing new) and writes
// receipts; the collector imports the receipts; the receiver's totals equal the counts and
// `verify` proves every report. Truncated, altered and foreign files are refused, changing nothing.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCollectorState } from '@lunadefend/collector';
import { freePort, writeCollectorConfig } from '@lunadefend/testkit';
import { E2E_WINDOW, databaseUrl, runCollectorCli, runReceiverCli, sqliteIn, startReceiver, startSidecar } from './support/pipeline.js';
import { awaitSealedIntoOutbox, countThenStop } from './support/scenario.js';
import { useScratchDir } from './support/scratch.js';
import { ledgerEntries, storedReports } from './support/stores.js';

describe('collector (no route) → export file → receiver import → receipts → collector', () => {
  const scratch = useScratchDir('airgap');

  it('delivers every report by file exactly once, refuses bad files, and verify proves them all', async () => {
    const dir = scratch.dir;
    const keyFile = join(dir, 'log.key');
    expect(runReceiverCli(['keygen', '--out', keyFile]).status).toBe(0);
    const database = sqliteIn(dir);
    const receiverEnv = { DATABASE_URL: databaseUrl(database), LUNADEFEND_WINDOW: E2E_WINDOW, LUNADEFEND_LOG_KEY_FILE: keyFile };
    const receiver = await startReceiver({ database, window: E2E_WINDOW, env: { LUNADEFEND_LOG_KEY_FILE: keyFile } });

    // A loopback port nothing listens on: the collector's route to the receiver that does not exist.
    const sidecar = await startSidecar(dir, { endpoint: `http://127.0.0.1:${await freePort()}/v1/reports`, version: '4.0.0' });
    const { stateDirectory, configPath, collector, client } = sidecar;
    expect(await countThenStop(sidecar)).toBe(0);
    await awaitSealedIntoOutbox(stateDirectory);
    const waiting = readCollectorState(stateDirectory).outbox.map((e) => e.reportId).sort();

    const exportFile = join(dir, 'reports.lde');
    const exported = runCollectorCli(['export', '--config', configPath, '--out', exportFile]);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain(`exported ${waiting.length} report(s)`);
    // Exported reports stay in the outbox, unsent, until their receipts come back.
    expect(readCollectorState(stateDirectory).outbox.map((e) => e.reportId).sort()).toEqual(waiting);

    const text = readFileSync(exportFile, 'utf8');
    const bad = {
      truncated: text.slice(0, text.length - 40),
      altered: text.replace(/"tokenizeSuccess":(\d)/, (_m, d: string) => `"tokenizeSuccess":${(Number(d) + 1) % 10}`),
      foreign: 'PK\u0003\u0004 not an export\n',
    };
    expect(bad.altered).not.toBe(text);
    for (const [name, content] of Object.entries(bad)) {
      const path = join(dir, `${name}.lde`);
      writeFileSync(path, content);
      const refused = runReceiverCli(['import', path], receiverEnv);
      expect(refused.status, name).toBe(1);
      expect(refused.stderr, name).toMatch(name === 'foreign' ? /not a LunaDefend export file/ : name === 'truncated' ? /truncated/ : /altered/);
    }
    expect(await storedReports(database)).toEqual([]);

    const receipts = join(dir, 'reports.receipts');
    const first = runReceiverCli(['import', exportFile, '--receipts', receipts], receiverEnv);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`${waiting.length} accepted, 0 duplicate, 0 rejected`);
    const again = runReceiverCli(['import', exportFile, '--receipts', join(dir, 'again.receipts')], receiverEnv);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`0 accepted, ${waiting.length} duplicate, 0 rejected`);
    expect((await storedReports(database)).map((r) => r.reportId).sort()).toEqual(waiting);
    expect(await receiver.totals()).toEqual(client.counts);

    const alteredReceipts = join(dir, 'altered.receipts');
    writeFileSync(alteredReceipts, readFileSync(receipts, 'utf8').replace(/"leaf_index":(\d)/, (_m, d: string) => `"leaf_index":${(Number(d) + 1) % 10}`));
    const refused = runCollectorCli(['import-receipts', '--config', configPath, alteredReceipts]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('altered');
    expect(ledgerEntries(stateDirectory)).toEqual([]);

    const completed = runCollectorCli(['import-receipts', '--config', configPath, receipts]);
    expect(completed.status).toBe(0);
    expect(completed.stdout).toContain(`completed ${waiting.length} report(s): ${waiting.length} accepted`);
    expect(readCollectorState(stateDirectory).outbox).toEqual([]);
    const ledger = ledgerEntries(stateDirectory);
    expect(ledger.map((e) => e.reportId).sort()).toEqual(waiting);
    expect(ledger.every((e) => e.leafHash !== null)).toBe(true);
    expect(runCollectorCli(['import-receipts', '--config', configPath, receipts]).stdout).toContain(`${waiting.length} already completed`);

    // verify reads the public log; from a machine with a route to it, with the same state.
    mkdirSync(join(dir, 'verify'));
    const verifyConfig = writeCollectorConfig(join(dir, 'verify'), { endpoint: receiver.reportsUrl, stateDirectory, window: E2E_WINDOW });
    await collector.service.stop('SIGTERM');
    const verified = runCollectorCli(['verify', '--config', verifyConfig]);
    expect(verified.status).toBe(0);
    for (const id of waiting) expect(verified.stdout).toMatch(new RegExp(`^ok +${id} `, 'm'));
  }, 180_000);
});
