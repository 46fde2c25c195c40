// The one place that reads service.pipelines and connects the stages: OTLP intake → privacy
// filter → to-delta → window totals (one transaction per request) and, on the other side of the
// state file, seal → outbox → report exporter. A stage receives its next stage; none looks one up.

import { ConfigError, type CollectorConfig, type TelemetryMode } from '@lunadefend/config';
import type { Logger, MetricsConsumer } from './component.js';
import { createAggregatingConsumer } from './aggregate/aggregating-consumer.js';
import { createDiscardingConsumer } from './aggregate/discarding-consumer.js';
import { createToDelta } from './delta/to-delta.js';
import { createHttpTransport } from './export/http-transport.js';
import { createLedgerOnlyTransport } from './export/ledger-only-transport.js';
import { createReportExporter, type ReportExporter } from './export/report-exporter.js';
import { createOtlpHttpIntake, type OtlpHttpIntake } from './otlp/index.js';
import type { StateHandle } from './state/state-handle.js';
import type { OwnMetrics } from './telemetry/own-metrics.js';
import { createSealer, type Sealer } from './window/sealer.js';
import { createWindowTotals } from './window/window-totals.js';

export const AGGREGATE_PROCESSOR = 'lunadefend_aggregate';

/** Pipeline rules beyond the loader's reference checks. Throws ConfigError naming the key. */
export function checkPipeline(config: CollectorConfig): void {
  const pipeline = config.service.pipelines.metrics;
  if (!pipeline.processors.includes(AGGREGATE_PROCESSOR)) {
    throw new ConfigError('service.pipelines.metrics.processors', `must include "${AGGREGATE_PROCESSOR}": it is the only way data reaches a report`);
  }
}

export interface PipelineDeps {
  readonly mode: TelemetryMode;
  /** Undefined in off mode: no state is ever opened. */
  readonly state: StateHandle | undefined;
  readonly configuredStackId: string | undefined;
  readonly now: () => number;
  readonly random: () => number;
  readonly newReportId: (() => string) | undefined;
  readonly logger: Logger;
  readonly metrics: OwnMetrics;
}

export interface Pipeline {
  /** The processor's entry, committing each batch before it returns. */
  readonly consumer: MetricsConsumer;
  readonly intake: OtlpHttpIntake;
  readonly sealer: Sealer | undefined;
  readonly exporter: ReportExporter | undefined;
}

export function buildPipeline(config: CollectorConfig, deps: PipelineDeps): Pipeline {
  checkPipeline(config);
  const aggregate = config.processors.lunadefend_aggregate;
  const exporterConfig = config.exporters.lunadefend;
  let consumer: MetricsConsumer;
  let sealer: Sealer | undefined;
  let exporter: ReportExporter | undefined;
  if (deps.mode === 'off' || deps.state === undefined) {
    consumer = createDiscardingConsumer(deps.metrics);
  } else {
    consumer = createAggregatingConsumer({
      state: deps.state,
      toDelta: createToDelta({ maxStreams: aggregate.max_streams, maxStreamsPerProducer: aggregate.max_streams_per_producer, streamStalenessMs: aggregate.stream_staleness }),
      windowTotals: createWindowTotals({ windowMs: aggregate.window, ...(deps.newReportId ? { newReportId: deps.newReportId } : {}) }),
      configuredStackId: deps.configuredStackId,
      now: deps.now,
      metrics: deps.metrics,
      logger: deps.logger,
    });
    sealer = createSealer({ windowMs: aggregate.window, sendJitterMs: aggregate.send_jitter, random: deps.random, logger: deps.logger });
    exporter = createReportExporter({
      state: deps.state,
      // local: reports go to the ledger and nothing ever connects to the endpoint.
      transport:
        deps.mode === 'local'
          ? createLedgerOnlyTransport()
          : createHttpTransport({ endpoint: exporterConfig.endpoint, timeoutMs: exporterConfig.timeout, ingestKey: exporterConfig.ingest_key, onAttempt: deps.metrics.exportAttempt }),
      retry: { initialIntervalMs: exporterConfig.retry_on_failure.initial_interval, maxIntervalMs: exporterConfig.retry_on_failure.max_interval },
      maxAgeMs: exporterConfig.retry_on_failure.max_age,
      now: deps.now,
      random: deps.random,
      logger: deps.logger,
      metrics: deps.metrics,
    });
  }
  const http = config.receivers.otlp.protocols.http;
  const intake = createOtlpHttpIntake({
    endpoint: http.endpoint,
    maxRequestBodyBytes: http.max_request_body_size,
    consumer,
    observer: deps.metrics.observer,
    logger: deps.logger,
  });
  return { consumer, intake, sealer, exporter };
}
