// The collector's own metrics, in a prom-client registry of its own (never the global one).
// Labels are closed sets of reasons and outcomes defined in code: no label ever carries an
// attribute value, a metric name from a request, a version or a stack id.

import { Counter, Gauge, Registry } from 'prom-client';
import type { IntakeObserver } from '../component.js';
import type { IntakeRefusal, ReasonTally } from '../model/reasons.js';

export interface GaugeSource {
  outboxDepth(): number | undefined;
  deadLetters(): number | undefined;
  stateWritable(): boolean;
  /** The receiver's clock minus ours (ms), from its last Date header. */
  clockSkewMs(): number | undefined;
  /** Whether a report's outcome keeps failing to be recorded (health answers 503). */
  exportWedged(): boolean;
}

export interface OwnMetrics {
  readonly registry: Registry;
  readonly observer: IntakeObserver;
  /** The points of one committed request: accepted into totals, and rejected or dropped by reason. */
  pointsCounted(accepted: number, tally: ReasonTally): void;
  /** Points of requests answered 503 (nothing of them was kept). */
  pointsRefused(n: number): void;
  reportsSealed(n: number): void;
  exportAttempt(): void;
  exportFailure(kind: 'retryable' | 'permanent' | 'not_recorded'): void;
  reportDelivered(outcome: string): void;
  reportExpired(): void;
  streamsEvicted(n: number): void;
  setGaugeSource(source: GaugeSource): void;
}

const PREFIX = 'lunadefend_collector_';

export function createOwnMetrics(): OwnMetrics {
  const registry = new Registry();
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name: PREFIX + name, help, labelNames, registers: [registry] });

  const accepted = counter('points_accepted_total', 'Data points accepted into window totals (including baselines and zero deltas).');
  const rejected = counter('points_rejected_total', 'Data points refused back to the client in partial_success, by reason.', ['reason']);
  const dropped = counter('points_dropped_total', 'Valid data points left out on purpose (not in the catalog, other kinds, no recorded value, out of order, telemetry off), by reason.', ['reason']);
  const refusedPoints = counter('points_refused_total', 'Data points in requests answered 503 because the state could not be written.');
  const requestsRefused = counter('requests_refused_total', 'OTLP requests refused, by reason (405, 415, 400, 413, 503, 404).', ['reason']);
  const sealed = counter('reports_sealed_total', 'Reports sealed into the outbox.');
  const attempts = counter('export_attempts_total', 'Report send attempts.');
  const failures = counter('export_failures_total', 'Failed report send attempts, by kind (retryable, permanent, or not_recorded: sent but the outcome could not be written).', ['kind']);
  const delivered = counter('reports_delivered_total', 'Reports that left the outbox for the ledger, by outcome (accepted, duplicate, local).', ['outcome']);
  const expired = counter('reports_expired_total', 'Reports dropped after retry_on_failure.max_age without delivery.');
  const evicted = counter('streams_evicted_total', 'Stale cumulative streams evicted to make room for new ones.');

  let source: GaugeSource | undefined;
  // Gauges are read from the source when scraped; a value not known yet is left out.
  const gauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name: PREFIX + name,
      help,
      registers: [registry],
      collect() {
        const v = read();
        if (v !== undefined) this.set(v);
      },
    });
  gauge('outbox_depth', 'Sealed reports waiting to be sent.', () => source?.outboxDepth());
  gauge('dead_letters', 'Reports the receiver rejected permanently (see `lunadefend-collector status`).', () => source?.deadLetters());
  gauge('state_writable', '1 when the state file can be written, 0 while OTLP requests are answered 503.', () => (source === undefined || source.stateWritable() ? 1 : 0));
  gauge('clock_skew_seconds', "The receiver's clock minus this host's, from the Date header of its last answer (negative: this host is ahead).", () => {
    const ms = source?.clockSkewMs();
    return ms === undefined ? undefined : ms / 1000;
  });
  gauge('export_wedged', '1 while a report is held back because its outcome failed to be written 3 times in a row (health answers 503).', () => (source?.exportWedged() === true ? 1 : 0));

  return {
    registry,
    observer: {
      requestRefused: (reason: IntakeRefusal) => requestsRefused.inc({ reason }),
    },
    pointsCounted: (n, tally) => {
      if (n > 0) accepted.inc(n);
      for (const [reason, points] of tally.rejected) rejected.inc({ reason }, points);
      for (const [reason, points] of tally.dropped) dropped.inc({ reason }, points);
    },
    pointsRefused: (n) => refusedPoints.inc(n),
    reportsSealed: (n) => sealed.inc(n),
    exportAttempt: () => attempts.inc(),
    exportFailure: (kind) => failures.inc({ kind }),
    reportDelivered: (outcome) => delivered.inc({ outcome }),
    reportExpired: () => expired.inc(),
    streamsEvicted: (n) => evicted.inc(n),
    setGaugeSource: (s) => {
      source = s;
    },
  };
}
