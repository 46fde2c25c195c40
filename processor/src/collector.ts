// The collector as one component: decides the mode, opens the state (never in off mode), builds
// the pipeline, serves own metrics and health, and runs the seal/export tick. Tests inject the
// clock, randomness and environment, and may drive sealDue()/exportDue() themselves.

import { decideTelemetryMode, type CollectorConfig, type TelemetryMode } from '@lunadefend/config';
import { pino } from 'pino';
import type { Component, Logger, SyncMetricsConsumer } from './component.js';
import { CollectorError } from './errors.js';
import type { ExportSummary } from './export/report-exporter.js';
import { buildPipeline } from './pipeline.js';
import { normalizeStackId } from './privacy/identity.js';
import { clearFaultNote, writeFaultNote } from './state/fault-note.js';
import { createStateHandle, type StateHandle } from './state/state-handle.js';
import { META } from './state/state-identity.js';
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
  /** The pipeline's entry, for feeding decoded requests without HTTP. */
  readonly consumer: SyncMetricsConsumer;
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
  const rawStackId = env.LUNADEFEND_STACK_ID?.trim();
  const configuredStackId = rawStackId === undefined || rawStackId === '' ? undefined : normalizeStackId(rawStackId);
  if (rawStackId !== undefined && rawStackId !== '' && configuredStackId === undefined) {
    throw new CollectorError('STACK_ID_INVALID', 'LUNADEFEND_STACK_ID must be a UUID v4 (generate one with `uuidgen`)');
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
    let verdict: HealthVerdict = { healthy: true, state: 'writable' };
    if (!writable) verdict = { healthy: false, state: 'unwritable', reason: 'STATE_UNAVAILABLE: the state file cannot be written' };
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

  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let started = false;
  let stopped: Promise<void> | undefined;

  const sealDue = (): number => {
    if (state === undefined || pipeline.sealer === undefined) return 0;
    const sealer = pipeline.sealer;
    try {
      const result = state.write((store) => sealer.sealDue(store, now()));
      if (result.sealed > 0) {
        metrics.reportsSealed(result.sealed);
        logger.info({ reports: result.sealed }, 'seal: window sealed into the outbox');
      }
      return result.sealed;
    } catch {
      return 0; // logged by the state handle; the next tick seals it
    }
  };
  const exportDue = async (): Promise<ExportSummary> =>
    pipeline.exporter === undefined ? { delivered: 0, retried: 0, deadLettered: 0, expired: 0 } : pipeline.exporter.exportDue();
  const tick = async (): Promise<void> => {
    sealDue();
    await exportDue();
    if (pipeline.exporter?.wedged() !== undefined || noted !== undefined) checkHealth();
  };

  return {
    mode: decision.mode,
    modeDecidedBy: decision.decidedBy,
    consumer: pipeline.consumer,
    metrics,
    otlpAddress: () => pipeline.intake.address(),
    metricsAddress: () => metricsEndpoint.address(),
    healthAddress: () => health?.address() ?? { host: '', port: 0 },
    sealDue,
    exportDue,
    tick,
    async start() {
      if (started) return;
      started = true;
      for (const warning of decision.warnings) logger.warn({ code: 'MODE_WARNING' }, warning);
      if (state !== undefined) {
        // Opening early surfaces a broken directory at once; the collector still starts and answers 503.
        try {
          state.write((store) => store.metadata.set(META.lastStart, JSON.stringify({ atMs: now(), mode: decision.mode, decidedBy: decision.decidedBy })));
        } catch {
          // logged by the state handle
        }
      }
      await pipeline.intake.start();
      await metricsEndpoint.start();
      await health?.start();
      const otlp = pipeline.intake.address();
      logger.info(
        { component: 'otlp', host: otlp.host, port: otlp.port, mode: decision.mode, modeDecidedBy: decision.decidedBy, metricsPort: metricsEndpoint.address().port, healthPort: health?.address().port },
        'listening',
      );
      if (options.schedule !== false && state !== undefined) {
        const period = options.tickMs ?? Math.max(50, Math.min(1000, Math.floor(config.processors.lunadefend_aggregate.window / 4)));
        timer = setInterval(() => {
          ticking ??= tick().finally(() => {
            ticking = undefined;
          });
        }, period);
        timer.unref();
      }
    },
    shutdown() {
      stopped ??= (async () => {
        if (timer !== undefined) clearInterval(timer);
        // Nothing is sealed early: an open window stays open in the state file for the next start.
        await pipeline.intake.shutdown();
        await ticking;
        await metricsEndpoint.shutdown();
        await health?.shutdown();
        state?.close();
        if (started) logger.info('collector: stopped');
      })();
      return stopped;
    },
  };
}

function tryRead<T>(state: StateHandle | undefined, fn: (store: StateStore) => T): T | undefined {
  if (state === undefined) return undefined;
  try {
    return state.read(fn);
  } catch {
    return undefined;
  }
}
