// A private fleet: the receiver takes reports only with an ingest key (LUNADEFEND_INGEST_KEYS, a
// file of key hashes), and the collector sends its key from its configuration
// (`exporters.lunadefend.ingest_key: ${env:LUNADEFEND_INGEST_KEY}`). Every report is delivered
// exactly once; the key is in no log line of either process and in no ledger entry.

import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestKeyHashLine } from '@lunadefend/receiver';
import { startPipeline } from './support/pipeline.js';
import { awaitCollectorDrained, countThenStop } from './support/scenario.js';
import { useScratchDir } from './support/scratch.js';
import { ledgerEntries, storedReports } from './support/stores.js';

const KEY = `fleet-key-${randomUUID()}`;

describe('collector with an ingest key → receiver that requires one', () => {
  const scratch = useScratchDir('ingest-key');

  it('delivers every report exactly once with the key, which appears in no log and no ledger entry', async () => {
    const keysFile = join(scratch.dir, 'ingest-keys.txt');
    writeFileSync(keysFile, `${ingestKeyHashLine(KEY)}\n`);
    const pipeline = await startPipeline(scratch.dir, {
      receiverEnv: { LUNADEFEND_INGEST_KEYS: keysFile },
      ingestKey: '${env:LUNADEFEND_INGEST_KEY}',
      collectorEnv: { LUNADEFEND_INGEST_KEY: KEY },
      version: '2.0.0',
    });
    const { database, receiver, stateDirectory, configPath, collector, client } = pipeline;
    expect(readFileSync(configPath, 'utf8')).not.toContain(KEY);

    // Without the key the receiver refuses a report of the same shape.
    const anonymous = await fetch(receiver.reportsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(await countThenStop(pipeline)).toBe(0);
    await awaitCollectorDrained(stateDirectory);

    const ledger = ledgerEntries(stateDirectory);
    expect(ledger.length).toBeGreaterThan(0);
    expect(ledger.every((e) => e.outcome === 'accepted' && e.status === 202)).toBe(true);
    expect(await receiver.totals()).toEqual(client.counts);
    expect((await storedReports(database)).map((r) => r.reportId).sort()).toEqual(ledger.map((e) => e.reportId).sort());

    expect(await collector.service.stop('SIGTERM')).toBe(0);
    expect(await receiver.service.stop('SIGTERM')).toBe(0);
    for (const service of [collector.service, receiver.service]) expect(JSON.stringify(service.lines)).not.toContain(KEY);
    const stateFiles = readdirSync(stateDirectory, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    for (const file of stateFiles) expect(readFileSync(join(file.parentPath, file.name)).includes(KEY)).toBe(false);
  }, 120_000);
});
