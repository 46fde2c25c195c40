// The lunadefend_aggregate processor as one MetricsConsumer: privacy filter → to-delta → window
// totals, all of a request in one SQLite transaction, committed before consume() returns (so the
// intake's 200 means durable). If the state cannot be written nothing of the request is kept and
// the answer is `unavailable` (503 + Retry-After); the client sends it again.

import type { ConsumeOutcome, MetricsConsumer } from '../component.js';
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
}

export function createAggregatingConsumer(options: AggregatingConsumerOptions): MetricsConsumer {
  let keyer: { secret: Buffer; keyer: StreamKeyer } | undefined;
  const keyerFor = (secret: Buffer): StreamKeyer => {
    if (keyer === undefined || !keyer.secret.equals(secret)) keyer = { secret, keyer: createStreamKeyer(secret) };
    return keyer.keyer;
  };

  return {
    consume(request: MetricsRequest): ConsumeOutcome {
      const receivedAtMs = options.now();
      let outcome: { accepted: number; rejected: Map<RejectReason, number>; dropped: Map<DropReason, number>; evicted: number };
      try {
        outcome = options.state.write((store, identity) => {
          const filtered = filterRequest(request, keyerFor(identity.streamKeySecret), options.configuredStackId ?? identity.fallbackStackId);
          const delta = options.toDelta.apply(store, identity.epochNs, filtered.points, receivedAtMs);
          options.windowTotals.add(store, delta.deltas, receivedAtMs);
          for (const [reason, n] of delta.rejected) filtered.rejected.set(reason, (filtered.rejected.get(reason) ?? 0) + n);
          for (const [reason, n] of delta.dropped) filtered.dropped.set(reason, (filtered.dropped.get(reason) ?? 0) + n);
          return { accepted: delta.deltas.length, rejected: filtered.rejected, dropped: filtered.dropped, evicted: delta.evicted };
        });
      } catch (error) {
        const reason = error instanceof CollectorError ? error.code : 'STATE_UNAVAILABLE';
        options.metrics.pointsRefused(countDataPoints(request));
        return { kind: 'unavailable', retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS, reason };
      }
      // Counted only after the commit: a refused request leaves no trace in the point counters.
      options.metrics.pointsAccepted(outcome.accepted);
      for (const [reason, n] of outcome.dropped) options.metrics.pointsDropped(reason, n);
      let rejectedDataPoints = 0;
      for (const [reason, n] of outcome.rejected) {
        options.metrics.pointsRejected(reason, n);
        rejectedDataPoints += n;
      }
      if (outcome.evicted > 0) options.metrics.streamsEvicted(outcome.evicted);
      return { kind: 'accepted', rejectedDataPoints, errorMessage: describeRejections(outcome.rejected) };
    },
  };
}

/** "3 points rejected: 2 missing_version, 1 negative_value" — reasons and counts only, no content. */
export function describeRejections(rejected: ReadonlyMap<RejectReason, number>): string {
  if (rejected.size === 0) return '';
  const total = [...rejected.values()].reduce((a, b) => a + b, 0);
  const parts = [...rejected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([reason, n]) => `${n} ${reason}`);
  return `${total} data point${total === 1 ? '' : 's'} rejected: ${parts.join(', ')}`;
}
