// The receiver's own Prometheus metrics, in a registry of its own (never the global one). Labels
// are outcomes and error codes only: nothing per client, per stack id or per report.

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReceiverErrorCode } from '../errors.js';

export interface ReceiverMetrics {
  readonly registry: Registry;
  readonly accepted: Counter;
  readonly duplicate: Counter;
  readonly flagged: Counter;
  readonly rejected: Counter<'reason'>;
  readonly ingestSeconds: Histogram<'outcome'>;
  readonly alerts: Counter<'outcome'>;
  readonly retentionDeleted: Counter;
  rejectedBy(reason: ReceiverErrorCode): void;
}

export function createReceiverMetrics(options: { readonly processMetrics?: boolean } = {}): ReceiverMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'lunadefend_receiver_' });
  const registers = [registry];
  const rejected = new Counter({
    name: 'lunadefend_receiver_reports_rejected_total',
    help: 'Report requests refused, by error code.',
    labelNames: ['reason'] as const,
    registers,
  });
  return {
    registry,
    accepted: new Counter({ name: 'lunadefend_receiver_reports_accepted_total', help: 'New reports stored.', registers }),
    duplicate: new Counter({
      name: 'lunadefend_receiver_reports_duplicate_total',
      help: 'Reports whose report_id was already stored (answered 200, nothing counted).',
      registers,
    }),
    flagged: new Counter({
      name: 'lunadefend_receiver_reports_flagged_total',
      help: 'Reports stored flagged (above a plausibility bound) and left out of statistics.',
      registers,
    }),
    rejected,
    ingestSeconds: new Histogram({
      name: 'lunadefend_receiver_report_duration_seconds',
      help: 'Time to answer POST /v1/reports, by outcome (accepted, duplicate, rejected).',
      labelNames: ['outcome'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    alerts: new Counter({
      name: 'lunadefend_receiver_alerts_total',
      help: 'Alert webhook deliveries, by outcome (sent, failed, dropped).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    retentionDeleted: new Counter({
      name: 'lunadefend_receiver_retention_deleted_reports_total',
      help: 'Raw reports deleted by the retention job.',
      registers,
    }),
    rejectedBy(reason) {
      rejected.inc({ reason });
    },
  };
}
