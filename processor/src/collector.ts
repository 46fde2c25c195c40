// The collector as one component, its composition root: decides the mode, opens the state (never
// in off mode), builds the pipeline, serves own metrics and health, and starts the seal/export
// schedule (schedule/seal-export-schedule.ts). Tests inject the clock, randomness and environment,
// and may drive sealDue()/exportDue() themselves.

import { configuredStackId as stackIdFromEnv, decideTelemetryMode, type CollectorConfig, type TelemetryMode } from '@lunadefend/config';
import { pino } from 'pino';
import type { Component, ConsumeOutcome, Logger } from './component.js';
import { CollectorError, isRetryable } from './errors.js';
import type { ExportSummary } from './export/report-exporter.js';
import type { MetricsRequest } from './model/metrics-request.js';
import { buildPipeline } from './pipeline.js';
import { createSealExportSchedule } from './schedule/seal-export-schedule.js';
import { clearFaultNote, writeFaultNote } from './state/fault-note.js';
import { createStateHandle, type StateHandle } from './state/state-handle.js';
import { START_NOTICES } from './state/notice-board.js';
import type { StateStore } from './state/state-store.js';
import { createHealthEndpoint, createMetricsEndpoint, type HealthVerdict } from './telemetry/own-endpoints.js';
import { createOwnMetrics, type OwnMetrics } from './telemetry/own-metrics.js';

export interface CollectorOptions {
  /** The clock (ms since epoch). Default Date.now. */
  readonly now?: () => number;
  /** Environment for the mode decision and LUNADEFEND_STACK_ID. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  /** Uniform [0, 1) for send jitter and retry jitter. Default Math.random. */
  readonly random?: () => number;
  readonly newReportId?: () => string;
  /** Run the seal/export timer (default true). Tests with an injected clock set false and call tick(). */
  readonly schedule?: boolean;
  /** Period of the seal/export timer; default min(1 s, window / 4). */
  readonly tickMs?: number;
}

type Address = { host: string; port: number };

export interface Collector extends Component {
  readonly mode: TelemetryMode;
  /** The variable that decided the mode, or 'default'. */
  readonly modeDecidedBy: string;
  /** Feeds one decoded request to the pipeline without HTTP; committed before it returns. */
  consume(request: MetricsRequest): ConsumeOutcome;
  readonly metrics: OwnMetrics;
  otlpAddress(): Address;
  metricsAddress(): Address;
  healthAddress(): Address;
  /** Seals every window that has ended; returns the number of reports sealed. */
  sealDue(): number;
  exportDue(): Promise<ExportSummary>;
  /** sealDue() then exportDue(). */
  tick(): Promise<void>;
}

export function createCollector(config: CollectorConfig, options: CollectorOptions = {}): Collector {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? pino({ base: undefined });
  const decision = decideTelemetryMode(env);
  let configuredStackId: string | undefined;
  try {
    configuredStackId = stackIdFromEnv(env);
  } catch (error) {
    throw new CollectorError('STACK_ID_INVALID', error instanceof Error ? error.message : String(error));
  }
  const metrics = createOwnMetrics();
  const state: StateHandle | undefined =
    decision.mode === 'off' ? undefined : createStateHandle({ directory: config.extensions.file_storage.directory, logger, now });
  const pipeline = buildPipeline(config, {
    mode: decision.mode, state, configuredStackId, now, random, newReportId: options.newReportId, logger, metrics,
  });
  metrics.setGaugeSource({
    outboxDepth: () => tryRead(state, (s) => s.outbox.count()),
    deadLetters: () => tryRead(state, (s) => s.deadLetters.count()),
    stateWritable: () => state?.writable() ?? true,
    clockSkewMs: () => pipeline.exporter?.clockSkew.skewMs(),
    exportWedged: () => pipeline.exporter?.wedged() !== undefined,
  });
  const directory = config.extensions.file_storage.directory;
  let noted: string | undefined;
  /** Health, and the fault note `status` reads when it changes. */
  const checkHealth = (): HealthVerdict => {
    if (state === undefined) return { healthy: true, state: 'none' };
    const writable = state.probe();
    const wedged = pipeline.exporter?.wedged();
    const fault = state.fault();
    let verdict: HealthVerdict = { healthy: true, state: 'writable' };
    if (fault !== undefined) verdict = { healthy: false, state: 'corrupt', reason: `${fault.code}: ${fault.reason}` };
    else if (!writable) verdict = { healthy: false, state: 'unwritable', reason: 'STATE_UNAVAILABLE: the state file cannot be written' };
    else if (wedged !== undefined) {
      verdict = { healthy: false, state: 'writable', reason: `EXPORT_NOT_RECORDED: report ${wedged.reportId} sent ${wedged.failures} times without its outcome being written (${wedged.reason})` };
    }
    if (verdict.reason !== noted) {
      noted = verdict.reason;
      if (verdict.reason === undefined) clearFaultNote(directory);
      else writeFaultNote(directory, { code: verdict.reason.split(':')[0] ?? 'FAULT', reason: verdict.reason, atMs: now() });
    }
    return verdict;
  };
  const metricsEndpoint = createMetricsEndpoint({ address: config.service.telemetry.metrics.address, metrics });
  const health = config.service.extensions.includes('health_check')
    ? createHealthEndpoint({ endpoint: config.extensions.health_check.endpoint, mode: decision.mode, check: checkHealth })
    : undefined;

  // Off mode has no state, so nothing to seal or send: no schedule.
  const schedule =
    state === undefined || pipeline.sealer === undefined || pipeline.exporter === undefined
      ? undefined
      : createSealExportSchedule({
          state,
          sealer: pipeline.sealer,
          exporter: pipeline.exporter,
          periodMs: options.tickMs ?? Math.max(50, Math.min(1000, Math.floor(config.processors.lunadefend_aggregate.window / 4))),
          now,
          metrics,
          logger,
          afterTick: () => {
            if (pipeline.exporter?.wedged() !== undefined || state.fault() !== undefined || noted !== undefined) checkHealth();
          },
        });
  let started = false;
  let stopped: Promise<void> | undefined;

  const collector: Collector = {
    mode: decision.mode,
    modeDecidedBy: decision.decidedBy,
    consume: (request) => pipeline.consumer.consumeBatch([request])[0] as ConsumeOutcome,
    metrics,
    otlpAddress: () => pipeline.intake.address(),
    metricsAddress: () => metricsEndpoint.address(),
    healthAddress: () => health?.address() ?? { host: '', port: 0 },
    sealDue: () => schedule?.sealDue() ?? 0,
    exportDue: async (): Promise<ExportSummary> => schedule?.exportDue() ?? { delivered: 0, retried: 0, deadLettered: 0, expired: 0 },
    tick: async () => schedule?.tick(),
    async start() {
      if (started) return;
      started = true;
      for (const warning of decision.warnings) logger.warn({ code: 'MODE_WARNING' }, warning);
      if (state !== undefined) {
        // Opening early surfaces a broken directory at once: a directory that cannot be written yet
        // still starts (503 until it recovers); a locked directory or an unusable file stops here.
        try {
          state.write((store) => START_NOTICES.lastStart.set(store, { atMs: now(), mode: decision.mode, decidedBy: decision.decidedBy }));
        } catch (error) {
          if (error instanceof CollectorError && !isRetryable(error.code)) {
            state.close();
            throw error;
          }
        }
      }
      // Own endpoints before OTLP: if any address cannot be bound, nothing was accepted yet.
      const listeners = [
        { key: 'extensions.health_check.endpoint', address: config.extensions.health_check.endpoint, listener: health },
        { key: 'service.telemetry.metrics.address', address: config.service.telemetry.metrics.address, listener: metricsEndpoint },
        { key: 'receivers.otlp.protocols.http.endpoint', address: config.receivers.otlp.protocols.http.endpoint, listener: pipeline.intake },
      ];
      for (const { key, address, listener } of listeners) {
        try {
          await listener?.start();
        } catch (error) {
          await collector.shutdown();
          const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
          const detail = cause?.code ?? (error instanceof Error ? error.message : String(error));
          throw new CollectorError('LISTEN_FAILED', `cannot listen on ${address} (${key}): ${detail}`, { cause: error });
        }
      }
      const otlp = pipeline.intake.address();
      logger.info(
        { component: 'otlp', host: otlp.host, port: otlp.port, mode: decision.mode, modeDecidedBy: decision.decidedBy, metricsPort: metricsEndpoint.address().port, healthPort: health?.address().port },
        'listening',
      );
      if (options.schedule !== false) await schedule?.start();
    },
    shutdown() {
      stopped ??= (async () => {
        // The timer stops at once; a tick in flight finishes. Nothing is sealed early: an open
        // window stays open in the state file for the next start.
        const scheduleStopped = schedule?.shutdown();
        await pipeline.intake.shutdown();
        await scheduleStopped;
        await metricsEndpoint.shutdown();
        await health?.shutdown();
        state?.close();
        if (started) logger.info('collector: stopped');
      })();
      return stopped;
    },
  };
  return collector;
}

function tryRead<T>(state: StateHandle | undefined, fn: (store: StateStore) => T): T | undefined {
  if (state === undefined) return undefined;
  try {
    return state.read(fn);
  } catch {
    return undefined;
  }
}
