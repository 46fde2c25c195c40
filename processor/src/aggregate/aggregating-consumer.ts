// The lunadefend_aggregate processor as a MetricsConsumer: privacy filter → to-delta → window
// totals, in one SQLite transaction committed before the outcome is returned (so the intake's 200
// means durable). consumeBatch() runs several requests in that one transaction (group commit, see
// group-commit.ts), each with its own outcome. If the state cannot be written nothing of the batch
// is kept and every request gets `unavailable` (503 + Retry-After); clients send them again.

import type { ConsumeOutcome, Logger, SyncMetricsConsumer } from '../component.js';
import { CollectorError } from '../errors.js';
import type { ToDelta } from '../delta/to-delta.js';
import { countDataPoints, type MetricsRequest } from '../otlp/model.js';
import { filterRequest, type DropReason, type RejectReason } from '../privacy/allowlist-filter.js';
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

export interface BatchMetricsConsumer extends SyncMetricsConsumer {
  /** All requests in one transaction; outcomes in request order. */
  consumeBatch(requests: readonly MetricsRequest[]): ConsumeOutcome[];
}

interface Counted {
  accepted: number;
  rejected: Map<RejectReason, number>;
  dropped: Map<DropReason, number>;
  evicted: number;
  epochLoweredToNs: bigint | undefined;
}

export function createAggregatingConsumer(options: AggregatingConsumerOptions): BatchMetricsConsumer {
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
          const filtered = filterRequest(request, keyerFor(identity.streamKeySecret), options.configuredStackId ?? identity.fallbackStackId);
          const delta = options.toDelta.apply(store, identity.epochNs, filtered.points, receivedAtMs);
          options.windowTotals.add(store, delta.deltas, receivedAtMs);
          for (const [reason, n] of delta.rejected) filtered.rejected.set(reason, (filtered.rejected.get(reason) ?? 0) + n);
          for (const [reason, n] of delta.dropped) filtered.dropped.set(reason, (filtered.dropped.get(reason) ?? 0) + n);
          return { accepted: delta.deltas.length, rejected: filtered.rejected, dropped: filtered.dropped, evicted: delta.evicted, epochLoweredToNs: delta.epochLoweredToNs };
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
      options.metrics.pointsAccepted(outcome.accepted);
      for (const [reason, n] of outcome.dropped) options.metrics.pointsDropped(reason, n);
      let rejectedDataPoints = 0;
      for (const [reason, n] of outcome.rejected) {
        options.metrics.pointsRejected(reason, n);
        rejectedDataPoints += n;
      }
      if (outcome.evicted > 0) options.metrics.streamsEvicted(outcome.evicted);
      if (outcome.epochLoweredToNs !== undefined) {
        options.logger?.warn(
          { code: 'CLOCK_SKEW', epoch: new Date(Number(outcome.epochLoweredToNs / 1_000_000n)).toISOString() },
          'to-delta: this host\'s clock reads earlier than the state epoch, which was taken from a clock that was ahead; the epoch is lowered to now',
        );
      }
      return { kind: 'accepted', rejectedDataPoints, errorMessage: describeRejections(outcome.rejected) };
    });
  };

  return {
    consume: (request) => consumeBatch([request])[0] as ConsumeOutcome,
    consumeBatch,
  };
}

/** "3 points rejected: 2 missing_version, 1 negative_value" — reasons and counts only, no content. */
export function describeRejections(rejected: ReadonlyMap<RejectReason, number>): string {
  if (rejected.size === 0) return '';
  const total = [...rejected.values()].reduce((a, b) => a + b, 0);
  const parts = [...rejected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([reason, n]) => `${n} ${reason}`);
  return `${total} data point${total === 1 ? '' : 's'} rejected: ${parts.join(', ')}`;
}
