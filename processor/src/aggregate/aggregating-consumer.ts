// The lunadefend_aggregate processor as a MetricsConsumer: privacy filter → to-delta → window
// totals, in one SQLite transaction committed before the outcome is returned (so the intake's 200
// means durable). consumeBatch() runs several requests in that one transaction (group commit, see
// otlp/group-commit.ts), each with its own outcome and its own tally of reasons, which is counted
// into the own metrics once, after the commit. If the state cannot be written nothing of the batch
// is kept and every request gets `unavailable` (503 + Retry-After); clients send them again.

import { acceptedOutcome, type ConsumeOutcome, type Logger, type MetricsConsumer } from '../component.js';
import { CollectorError } from '../errors.js';
import type { ToDelta } from '../delta/to-delta.js';
import { countDataPoints, type MetricsRequest } from '../model/metrics-request.js';
import { createTally, type ReasonTally } from '../model/reasons.js';
import { filterRequest } from '../privacy/allowlist-filter.js';
import { createStreamKeyer, type StreamKeyer } from '../privacy/stream-key.js';
import type { StateHandle } from '../state/state-handle.js';
import type { OwnMetrics } from '../telemetry/own-metrics.js';
import type { WindowTotals } from '../window/window-totals.js';

export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export interface AggregatingConsumerOptions {
  readonly state: StateHandle;
  readonly toDelta: ToDelta;
  readonly windowTotals: WindowTotals;
  /** LUNADEFEND_STACK_ID of the collector, normalised; the state file's fallback when undefined. */
  readonly configuredStackId: string | undefined;
  readonly now: () => number;
  readonly metrics: OwnMetrics;
  readonly logger?: Logger;
}

interface Counted {
  readonly accepted: number;
  readonly tally: ReasonTally;
  readonly evicted: number;
  readonly epochLoweredToNs: bigint | undefined;
}

export function createAggregatingConsumer(options: AggregatingConsumerOptions): MetricsConsumer {
  let keyer: { secret: Buffer; keyer: StreamKeyer } | undefined;
  const keyerFor = (secret: Buffer): StreamKeyer => {
    if (keyer === undefined || !keyer.secret.equals(secret)) keyer = { secret, keyer: createStreamKeyer(secret) };
    return keyer.keyer;
  };

  const consumeBatch = (requests: readonly MetricsRequest[]): ConsumeOutcome[] => {
    const receivedAtMs = options.now();
    let counted: Counted[];
    try {
      counted = options.state.write((store, identity) =>
        requests.map((request) => {
          const tally = createTally();
          const filtered = filterRequest(request, keyerFor(identity.streamKeySecret), options.configuredStackId ?? identity.fallbackStackId, tally);
          const delta = options.toDelta.apply(store, identity.epochNs, filtered.points, receivedAtMs, tally);
          options.windowTotals.add(store, delta.deltas, receivedAtMs);
          return { accepted: delta.deltas.length, tally, evicted: delta.evicted, epochLoweredToNs: delta.epochLoweredToNs };
        }),
      );
    } catch (error) {
      options.toDelta.rollback();
      const reason = error instanceof CollectorError ? error.code : 'STATE_UNAVAILABLE';
      for (const request of requests) options.metrics.pointsRefused(countDataPoints(request));
      return requests.map(() => ({ kind: 'unavailable', retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS, reason }));
    }
    // Counted only after the commit: a refused request leaves no trace in the point counters.
    return counted.map((outcome) => {
      options.metrics.pointsCounted(outcome.accepted, outcome.tally);
      if (outcome.evicted > 0) options.metrics.streamsEvicted(outcome.evicted);
      if (outcome.epochLoweredToNs !== undefined) {
        options.logger?.warn(
          { code: 'CLOCK_SKEW', epoch: new Date(Number(outcome.epochLoweredToNs / 1_000_000n)).toISOString() },
          'to-delta: this host\'s clock reads earlier than the state epoch, which was taken from a clock that was ahead; the epoch is lowered to now',
        );
      }
      return acceptedOutcome(outcome.tally);
    });
  };

  return { consumeBatch };
}

