// One call starts counting. The hot path is the counter table; the SDK sees the totals only at
// export time, through one observable counter per catalog metric, so add() costs a property
// bump whether an exporter is attached or not. The SDK and exporter are loaded by a dynamic
// import() after startMetrics() returns, so neither importing the package nor starting it waits
// for OpenTelemetry code; flush() and shutdown() wait for it, then for the collector within their
// bound. Mode `off`
// loads and builds no SDK object at all: no exporter, no timer, no socket.

import { settleWithin } from './bounded.js';
import { SEMVER_PATTERN, UUID_V4_PATTERN, VERSION_MAX_LENGTH, decideTelemetryMode, type MetricName, type TelemetryMode } from './contract/index.js';
import { createCounterTable } from './counter-table.js';
import type { ExportOutcomes } from './cumulative-exporter.js';
import type { ExportPipeline } from './export-pipeline.js';
import { resolveExportSettings } from './export-settings.js';
import { hrTimeNow } from './hr-time.js';
import { defaultLogger, type MetricsLogger } from './logger.js';

export const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;

const SEMVER = new RegExp(SEMVER_PATTERN);
const UUID_V4 = new RegExp(UUID_V4_PATTERN);

export interface StartMetricsOptions {
  /** The service's own version, sent as `service.version` (semver, at most 64 characters). */
  readonly serviceVersion: string;
  /** The deployment's random UUID v4; defaults to LUNADEFEND_STACK_ID; omitted when neither is set. */
  readonly stackId?: string;
  /**
   * Where the mode, stack id, endpoint and export interval are read from; defaults to
   * process.env. Request headers, timeout, compression and TLS files
   * (OTEL_EXPORTER_OTLP_[METRICS_]HEADERS, _TIMEOUT, _COMPRESSION, _CERTIFICATE, …) are always
   * read from process.env, by the OpenTelemetry exporter code that handles them.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Defaults to console.warn for warnings and NODE_DEBUG=lunadefend-metrics for debug lines. */
  readonly logger?: MetricsLogger;
  /** Upper bound on how long flush() and shutdown() wait for the collector (once the SDK is loaded). Default 5000. */
  readonly flushTimeoutMs?: number;
}

export interface Metrics {
  /** Adds `value` (default 1) to a catalog counter. Never throws; bad calls are ignored and counted. */
  readonly add: (name: MetricName, value?: number) => void;
  /** Exports the current totals now. Waits for the collector at most flushTimeoutMs; never rejects. */
  flush(): Promise<void>;
  /** Flushes, then stops the exporter. Idempotent; waits for the collector at most flushTimeoutMs; never rejects. */
  shutdown(): Promise<void>;
  readonly mode: TelemetryMode;
  /** The variable that decided the mode, or 'default'. */
  readonly decidedBy: string;
  /** The OTLP/HTTP URL exports go to, or undefined when mode is off. */
  readonly endpoint: string | undefined;
  /** How many add() calls were ignored (unknown name or invalid value). */
  ignoredCalls(): number;
  /** Exports that reached the collector / did not, since start. */
  exportOutcomes(): Readonly<ExportOutcomes>;
}

export function startMetrics(options: StartMetricsOptions): Metrics {
  const env = options.env ?? process.env;
  const logger = options.logger ?? defaultLogger;
  const flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  // Start-up is the one place this package may throw: a missing version is a programming error.
  if (typeof options.serviceVersion !== 'string' || options.serviceVersion.trim() === '') {
    throw new TypeError('startMetrics: serviceVersion must be a non-empty string');
  }
  const serviceVersion = options.serviceVersion.trim();
  const stackId = (options.stackId ?? env.LUNADEFEND_STACK_ID)?.trim() || undefined;

  const decision = decideTelemetryMode(env);
  for (const warning of decision.warnings) logger.warn(warning);

  // The totals start at zero now; every exported point says so (see cumulative-exporter.ts).
  const countingSince = hrTimeNow();
  const table = createCounterTable(() =>
    logger.debug('add() ignored a call (unknown metric name or a value that is not a non-negative integer); further ones are only counted'),
  );
  const outcomes: ExportOutcomes = { succeeded: 0, failed: 0 };
  const common = {
    add: table.add,
    mode: decision.mode,
    decidedBy: decision.decidedBy,
    ignoredCalls: table.ignoredCalls,
    exportOutcomes: () => ({ ...outcomes }),
  };

  if (decision.mode === 'off') {
    logger.debug(`telemetry is off (decided by ${decision.decidedBy}); nothing is exported`);
    return { ...common, endpoint: undefined, flush: async () => {}, shutdown: async () => {} };
  }

  if (!SEMVER.test(serviceVersion) || serviceVersion.length > VERSION_MAX_LENGTH) {
    logger.warn(`serviceVersion is not a semantic version of at most ${VERSION_MAX_LENGTH} characters; the collector will not be able to report it`);
  }
  if (stackId !== undefined && !UUID_V4.test(stackId)) {
    logger.warn('the stack id is not a UUID v4; the collector will not be able to report it');
  }

  const settings = resolveExportSettings(env);
  for (const warning of settings.warnings) logger.warn(warning);

  const pipeline: Promise<ExportPipeline | undefined> = import('./export-pipeline.js')
    .then(({ createExportPipeline }) =>
      createExportPipeline({ serviceVersion, stackId, settings, table, logger, outcomes, countingSince }),
    )
    .catch((error: unknown) => {
      // A broken install must not take the service down: it counts on, and says once why nothing leaves.
      logger.warn(`could not load the OpenTelemetry SDK (${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'}); nothing is exported`);
      return undefined;
    });
  logger.debug(`telemetry is ${decision.mode} (decided by ${decision.decidedBy}); exporting to ${settings.url} every ${settings.exportIntervalMs} ms`);

  let stopped: Promise<void> | undefined;
  return {
    ...common,
    endpoint: settings.url,
    // The bound is on waiting for the collector, not on loading the SDK: that is local work the
    // package used to do at import time, and a busy machine must not cost a short-lived process
    // its only export.
    async flush() {
      if (stopped !== undefined) return;
      const loaded = await pipeline;
      if (loaded === undefined || stopped !== undefined) return;
      if (!(await settleWithin(loaded.flush(), flushTimeoutMs))) logger.debug(`flush gave up after ${flushTimeoutMs} ms`);
    },
    shutdown() {
      stopped ??= pipeline.then(async (loaded) => {
        if (loaded === undefined || (await settleWithin(loaded.shutdown(), flushTimeoutMs))) return;
        // Give up on the collector: cancel retries and close sockets so nothing lingers.
        loaded.abort();
        logger.debug(`shutdown gave up waiting for the collector after ${flushTimeoutMs} ms`);
      });
      return stopped;
    },
  };
}
