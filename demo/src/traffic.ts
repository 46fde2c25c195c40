// The demo's traffic generator: a few requests per second against the example tokenizer, mostly
// successes and some failures of every kind (unknown tokens, empty values), so every counter of
// the report moves. Values are random and never printed.

import { randomBytes, randomInt } from 'node:crypto';
import { zeroMetrics, type ReportMetrics } from '@lunadefend/config';
import { createTokenizerClient, type TokenizerClient } from '@lunadefend/testkit';

export interface TrafficGenerator {
  readonly client: TokenizerClient<ReportMetrics>;
  start(): void;
  /** Stops sending and waits for the request in flight. */
  stop(): Promise<void>;
}

export function createTrafficGenerator(baseUrl: string, requestsPerSecond: number): TrafficGenerator {
  const client = createTokenizerClient(baseUrl, zeroMetrics(), 2_000);
  const tokens: string[] = [];
  const knownToken = (): string | undefined => tokens[randomInt(Math.max(1, tokens.length))];
  const unknownToken = (): string => `tok_${randomBytes(12).toString('hex')}`;

  const step = async (): Promise<void> => {
    const roll = randomInt(100);
    const token = knownToken();
    if (roll < 40 || token === undefined) {
      const created = await client.tokenize(`demo-value-${randomBytes(6).toString('hex')}`);
      if (created !== undefined) {
        tokens.push(created);
        if (tokens.length > 200) tokens.shift();
      }
    } else if (roll < 65) await client.detokenize(token);
    else if (roll < 80) await client.createGrant(token);
    else if (roll < 88) await client.detokenize(unknownToken());
    else if (roll < 94) await client.call('tokenize', { value: '' });
    else await client.createGrant(unknownToken());
  };

  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  return {
    client,
    start() {
      timer ??= setInterval(() => {
        // One request at a time: a slow answer lowers the rate instead of piling requests up.
        inFlight ??= step().finally(() => {
          inFlight = undefined;
        });
      }, Math.round(1000 / requestsPerSecond));
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      await inFlight;
    },
  };
}
