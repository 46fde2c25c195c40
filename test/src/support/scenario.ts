// Building blocks of the end-to-end scenarios: a known mix of operations through the tokenizer,
// and the conditions a test waits for (the tokenizer's first export reached the collector; the
// collector has nothing left to seal or send).

import { readCollectorState } from '@lunadefend/collector';
import { collectorMetric, type RunningCollector } from './pipeline.js';
import type { TokenizerClient } from './tokenizer-client.js';
import { sleep, waitUntil } from './wait.js';

/**
 * One round of operations, different in every round so each metric ends with its own total:
 * successes of every kind, unknown tokens (404) and empty values (400).
 */
export async function operationRound(client: TokenizerClient, round: number): Promise<void> {
  const tokens: string[] = [];
  for (let i = 0; i < round + 3; i++) {
    const token = await client.tokenize(`e2e-value-${round}-${i}`);
    if (token !== undefined) tokens.push(token);
  }
  if (round % 2 === 0) await client.call('tokenize', { value: '' });
  for (const token of tokens.slice(0, round + 1)) await client.detokenize(token);
  if (round % 2 === 1) await client.detokenize(`tok_unknown_${round}`);
  await client.detokenize(`tok_missing_${round}`);
  for (const token of tokens.slice(0, 2)) await client.createGrant(token);
  if (round === 1) await client.createGrant(`tok_unknown_grant_${round}`);
}

/** Runs `rounds` rounds with a pause between them, so the operations spread over several windows. */
export async function operationRounds(client: TokenizerClient, rounds: number, pauseMs: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    if (round > 0) await sleep(pauseMs);
    await operationRound(client, round);
  }
}

/**
 * Waits until the collector accepted the tokenizer's first export.
 *
 * Why tests wait for it: that first export carries start time == timestamp for every counter (the
 * OpenTelemetry SDK gives an observable counter the time of its first collection as start time),
 * and the collector reads such a point as "started at an unknown instant", so it becomes a
 * baseline and is not counted. Operations made before it are therefore never reported; the
 * known-issue test in tokenizer-to-receiver-sqlite.test.ts holds that behaviour up.
 */
export async function awaitFirstExport(collector: RunningCollector): Promise<void> {
  await waitUntil('the tokenizer\'s first export to reach the collector', async () => (await collectorMetric(collector, 'lunadefend_collector_points_accepted_total')) > 0, { timeoutMs: 20_000 });
}

/** Waits until the collector's state has no open window and an empty outbox: everything sealed was delivered or dead-lettered. */
export async function awaitCollectorDrained(stateDirectory: string, timeoutMs = 45_000): Promise<void> {
  await waitUntil(
    'the collector to seal and send every window',
    () => {
      const state = readCollectorState(stateDirectory);
      return state.exists && state.openReports === 0 && state.outbox.length === 0;
    },
    { timeoutMs, intervalMs: 200 },
  );
}
