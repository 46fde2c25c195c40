// The contracts stages of the collector meet at. Each stage receives its next stage when it is
// built (pipeline.ts wires them); none looks another up.
//
// MetricsConsumer rules:
// - consumeBatch() is given one or more OTLP requests, each already decoded and checked for size,
//   and returns only after everything it accepted of all of them is durably committed (one SQLite
//   transaction for the batch), so the intake may answer each request 200. The intake gathers
//   concurrent requests into one batch (otlp/group-commit.ts); tests and tools pass a batch of one.
// - It never throws for bad data: invalid points are recorded by reason (model/reasons.ts) and
//   reported back as `rejectedDataPoints` (the client's partial_success). It returns `unavailable`
//   for every request of the batch when state cannot be written, and the intake answers 503 with
//   Retry-After; nothing of such a batch is kept.

import type { Logger as PinoLogger } from 'pino';
import type { MetricsRequest } from './model/metrics-request.js';
import { describeRejections, type IntakeRefusal, type ReasonTally } from './model/reasons.js';

export type Logger = PinoLogger;

export type ConsumeOutcome =
  | { readonly kind: 'accepted'; readonly rejectedDataPoints: number; readonly errorMessage: string }
  | { readonly kind: 'unavailable'; readonly retryAfterSeconds: number; readonly reason: string };

/** The answer to a committed request: its rejected points, counted and described by reason. */
export function acceptedOutcome(tally: ReasonTally): ConsumeOutcome {
  return { kind: 'accepted', rejectedDataPoints: tally.rejectedTotal(), errorMessage: describeRejections(tally.rejected) };
}

/** What every consumer of decoded requests implements (the aggregating and the discarding one). */
export interface MetricsConsumer {
  /** All requests in one transaction; outcomes in request order. */
  consumeBatch(requests: readonly MetricsRequest[]): ConsumeOutcome[];
}

/** Lifecycle of every component: start() once, shutdown() idempotent and safe without start(). */
export interface Component {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * What the intake reports to the collector's own telemetry: refused requests, by reason. Points
 * are counted by the consumer that decided them, not here.
 */
export interface IntakeObserver {
  requestRefused(reason: IntakeRefusal): void;
}
