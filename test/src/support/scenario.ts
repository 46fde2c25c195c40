// Building blocks of the end-to-end scenarios: a known mix of operations through the tokenizer,
// and the condition a test waits for before it compares the two ends (the collector has nothing
// left to seal or send).

import type { ReportMetrics } from '@lunadefend/config';
import { readCollectorState } from '@lunadefend/collector';
import { sleep, waitUntil, type TokenizerClient } from '@lunadefend/testkit';
import type { RunningSidecar } from './pipeline.js';

type Client = TokenizerClient<ReportMetrics>;

/**
 * One round of operations, different in every round so each metric ends with its own total:
 * successes of every kind, unknown tokens (404) and empty values (400).
 */
export async function operationRound(client: Client, round: number): Promise<void> {
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

/**
 * Runs `rounds` rounds, each in a window of its own (it waits for the next window boundary between
 * rounds), so the counts are spread over several windows and so over several reports.
 */
export async function operationRounds(client: Client, rounds: number, windowMs: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    if (round > 0) await sleep(windowMs - (Date.now() % windowMs) + 50);
    await operationRound(client, round);
  }
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

/** Rounds 0 … rounds-1 back to back, then the tokenizer stopped (its final flush); resolves with its exit code. */
export async function countThenStop(sidecar: RunningSidecar, rounds = 2): Promise<number | null> {
  for (let round = 0; round < rounds; round++) await operationRound(sidecar.client, round);
  return sidecar.tokenizer.service.stop('SIGTERM');
}

/** Waits until no window is open and the outbox holds reports: everything was sealed, nothing sent yet. */
export async function awaitSealedIntoOutbox(stateDirectory: string): Promise<void> {
  await waitUntil('every window sealed into the outbox', () => {
    const state = readCollectorState(stateDirectory);
    return state.openReports === 0 && state.outbox.length > 0;
  });
}
