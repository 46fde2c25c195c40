// The contracts stages of the collector meet at. Each stage receives its next stage when it is
// built (pipeline.ts wires them); none looks another up.
//
// MetricsConsumer rules:
// - consume() is called once per OTLP request, with the request already decoded and checked for
//   size; it returns (or its promise resolves) only after everything it accepted is durably
//   committed (one SQLite transaction per request, or per group of concurrent requests), so the
//   intake may answer 200.
// - It never throws for bad data: invalid points are counted in `rejectedDataPoints` (they go to
//   the client as partial_success). It returns `unavailable` when state cannot be written, and
//   the intake answers 503 with Retry-After; nothing of such a request is kept.

import type { Logger as PinoLogger } from 'pino';
import type { MetricsRequest } from './otlp/model.js';

export type Logger = PinoLogger;

export type ConsumeOutcome =
  | { readonly kind: 'accepted'; readonly rejectedDataPoints: number; readonly errorMessage: string }
  | { readonly kind: 'unavailable'; readonly retryAfterSeconds: number; readonly reason: string };

export interface MetricsConsumer {
  /** A promise lets a consumer commit several concurrent requests together (group commit). */
  consume(request: MetricsRequest): ConsumeOutcome | Promise<ConsumeOutcome>;
}

/** A consumer that commits before it returns (used directly by tests and the CLI-less API). */
export interface SyncMetricsConsumer extends MetricsConsumer {
  consume(request: MetricsRequest): ConsumeOutcome;
}

/** Lifecycle of every component: start() once, shutdown() idempotent and safe without start(). */
export interface Component {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Why the intake refused a request; each reason is a label of the collector's own metrics. */
export type IntakeRefusal =
  | 'method_not_allowed' // 405
  | 'unsupported_media_type' // 415
  | 'malformed' // 400: undecodable body, bad gzip, wrong types
  | 'request_timeout' // 408: headers and body not complete within the request timeout
  | 'too_large' // 413: over max_request_body_size after decompression
  | 'unavailable' // 503: state not writable
  | 'not_found'; // 404: any path but /v1/metrics

/** What the intake reports to the collector's own telemetry. Counts only, never content. */
export interface IntakeObserver {
  requestRefused(reason: IntakeRefusal): void;
  /** Points in requests that were answered 200 (accepted + rejected = points received). */
  pointsReceived(accepted: number, rejected: number): void;
}
