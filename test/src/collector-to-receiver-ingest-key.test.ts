// A private fleet: the receiver takes reports only with an ingest key (LUNADEFEND_INGEST_KEYS, a
// file of key hashes), and the collector sends its key from its configuration
// (`exporters.lunadefend.ingest_key: ${env:LUNADEFEND_INGEST_KEY}`). Every report is delivered
// exactly once; the key is in no log line of either process and in no ledger entry.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestKeyHashLine } from '@lunadefend/receiver';
import { writeCollectorConfig } from './support/collector-config.js';
import { E2E_WINDOW } from './support/counting-run.js';
import { startCollector, startReceiver, startTokenizer } from './support/pipeline.js';
import { stopAllServices } from './support/process.js';
import { receiverTotals } from './support/receiver-stats.js';
import { awaitCollectorDrained, operationRound } from './support/scenario.js';
import { ledgerEntries, storedReports } from './support/stores.js';
import { createTokenizerClient } from './support/tokenizer-client.js';

const KEY = `fleet-key-${randomUUID()}`;

describe('collector with an ingest key → receiver that requires one', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lunadefend-e2e-ingest-key-'));
  });
  afterEach(async () => {
    await stopAllServices();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every report exactly once with the key, which appears in no log and no ledger entry', async () => {
    const keysFile = join(dir, 'ingest-keys.txt');
    writeFileSync(keysFile, `${ingestKeyHashLine(KEY)}\n`);
    const database = { kind: 'sqlite', path: join(dir, 'receiver.db') } as const;
    const receiver = await startReceiver({ database, window: E2E_WINDOW, env: { LUNADEFEND_INGEST_KEYS: keysFile } });

    // Without the key the receiver refuses a report of the same shape.
    const anonymous = await fetch(receiver.reportsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);

    const stateDirectory = join(dir, 'collector-state');
    const configPath = writeCollectorConfig(dir, {
      endpoint: receiver.reportsUrl,
      stateDirectory,
      window: E2E_WINDOW,
      ingestKey: '${env:LUNADEFEND_INGEST_KEY}',
    });
    expect(readFileSync(configPath, 'utf8')).not.toContain(KEY);
    const collector = await startCollector(configPath, { LUNADEFEND_INGEST_KEY: KEY });
    const tokenizer = await startTokenizer({ otlpEndpoint: collector.otlpUrl, stackId: randomUUID(), version: '2.0.0' });
    const client = createTokenizerClient(tokenizer.url);
    await operationRound(client, 0);
    await operationRound(client, 1);
    expect(await tokenizer.service.stop('SIGTERM')).toBe(0);
    await awaitCollectorDrained(stateDirectory);

    const ledger = ledgerEntries(stateDirectory);
    expect(ledger.length).toBeGreaterThan(0);
    expect(ledger.every((e) => e.outcome === 'accepted' && e.status === 202)).toBe(true);
    expect((await receiverTotals(receiver.url, receiver.adminToken)).totals).toEqual(client.counts);
    expect((await storedReports(database)).map((r) => r.reportId).sort()).toEqual(ledger.map((e) => e.reportId).sort());

    expect(await collector.service.stop('SIGTERM')).toBe(0);
    expect(await receiver.service.stop('SIGTERM')).toBe(0);
    for (const service of [collector.service, receiver.service]) expect(JSON.stringify(service.lines)).not.toContain(KEY);
    const stateFiles = readdirSync(stateDirectory, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    for (const file of stateFiles) expect(readFileSync(join(file.parentPath, file.name)).includes(KEY)).toBe(false);
  }, 120_000);
});
