// Switching telemetry off at the service: a tokenizer started with LUNADEFEND_TELEMETRY=off (or
// DO_NOT_TRACK=1) opens no connection to its OTLP endpoint and so produces no report, while a
// tokenizer with telemetry on, doing the same work beside it through the same collector and
// receiver, shows that the chain would have carried its counts.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '@lunadefend/config';
import { waitUntil, writeCollectorConfig } from '@lunadefend/testkit';
import { startCountingProxy } from './support/counting-proxy.js';
import { E2E_WINDOW, sqliteIn, startCollector, startReceiver, startTokenizer } from './support/pipeline.js';
import { awaitCollectorDrained, operationRounds } from './support/scenario.js';
import { useScratchDir } from './support/scratch.js';
import { ledgerEntries, storedReports } from './support/stores.js';

describe('tokenizer with telemetry off → collector → receiver', () => {
  const scratch = useScratchDir('off');

  it('sends no OTLP request and produces no report, while a tokenizer with telemetry on is counted', async () => {
    const database = sqliteIn(scratch.dir);
    const receiver = await startReceiver({ database, window: E2E_WINDOW });
    const stateDirectory = join(scratch.dir, 'collector-state');
    const collector = await startCollector(writeCollectorConfig(scratch.dir, { endpoint: receiver.reportsUrl, stateDirectory, window: E2E_WINDOW }));

    const start = async (env: NodeJS.ProcessEnv) => {
      const proxy = await startCountingProxy(collector.otlpUrl);
      scratch.onCleanup(() => proxy.close());
      const stackId = randomUUID();
      const tokenizer = await startTokenizer({ otlpEndpoint: proxy.url, stackId, version: '2.0.0', env });
      return { proxy, stackId, tokenizer, client: tokenizer.client };
    };
    const on = await start({});
    const off = await start({ LUNADEFEND_TELEMETRY: 'off' });
    const doNotTrack = await start({ DO_NOT_TRACK: '1' });

    await Promise.all([on, off, doNotTrack].map(({ client }) => operationRounds(client, 2, parseDuration(E2E_WINDOW)!)));
    // Several export intervals pass with counts to send: the control keeps exporting through them.
    const sentBefore = on.proxy.requests();
    await waitUntil('three more exports from the tokenizer with telemetry on', () => on.proxy.requests() >= sentBefore + 3, { timeoutMs: 20_000 });
    // Shutdown flushes (when telemetry is on): the last chance for a disabled exporter to send.
    for (const { tokenizer } of [on, off, doNotTrack]) expect(await tokenizer.service.stop('SIGTERM')).toBe(0);
    await awaitCollectorDrained(stateDirectory);

    for (const disabled of [off, doNotTrack]) {
      expect(disabled.client.counts.tokenizeSuccess).toBeGreaterThan(0);
      expect(disabled.proxy.connections()).toBe(0);
      expect(disabled.proxy.requests()).toBe(0);
    }
    const stored = await storedReports(database);
    const ledger = ledgerEntries(stateDirectory);
    expect(new Set(stored.map((r) => r.stackId))).toEqual(new Set([on.stackId]));
    expect(ledger.map((e) => e.reportId).sort()).toEqual(stored.map((r) => r.reportId).sort());
    expect(ledger.every((e) => (JSON.parse(e.body) as { stack_id: string }).stack_id === on.stackId)).toBe(true);
    // The control's counts arrived in full, so the chain was carrying data the whole time.
    expect(await receiver.totals()).toEqual(on.client.counts);
  }, 120_000);
});
