// The seal/export schedule: on each tick it seals every window that has ended (one transaction)
// and then sends what is due. Ticks never overlap: a tick that comes while one runs is skipped.
// The timer is unref'd, so it never keeps the process alive; shutdown() stops it and waits for the
// tick in flight. Tests with an injected clock leave it unstarted and call tick() themselves.

import type { Component, Logger } from '../component.js';
import type { ExportSummary, ReportExporter } from '../export/report-exporter.js';
import type { StateHandle } from '../state/state-handle.js';
import type { OwnMetrics } from '../telemetry/own-metrics.js';
import type { Sealer } from '../window/sealer.js';

export interface SealExportScheduleOptions {
  readonly state: StateHandle;
  readonly sealer: Sealer;
  readonly exporter: ReportExporter;
  /** Period of the timer that start() sets. */
  readonly periodMs: number;
  readonly now: () => number;
  readonly metrics: OwnMetrics;
  readonly logger: Logger;
  /** Called after each tick (the collector refreshes its health there). */
  readonly afterTick?: () => void;
}

export interface SealExportSchedule extends Component {
  /** Seals every window that has ended; returns the number of reports sealed. */
  sealDue(): number;
  exportDue(): Promise<ExportSummary>;
  /** sealDue() then exportDue(). */
  tick(): Promise<void>;
}

export function createSealExportSchedule(options: SealExportScheduleOptions): SealExportSchedule {
  const { state, sealer, exporter, metrics, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  const sealDue = (): number => {
    try {
      const result = state.write((store) => sealer.sealDue(store, options.now()));
      if (result.sealed > 0) {
        metrics.reportsSealed(result.sealed);
        logger.info({ reports: result.sealed }, 'seal: window sealed into the outbox');
      }
      return result.sealed;
    } catch {
      return 0; // logged by the state handle; the next tick seals it
    }
  };
  const exportDue = (): Promise<ExportSummary> => exporter.exportDue();
  const tick = async (): Promise<void> => {
    sealDue();
    await exportDue();
    options.afterTick?.();
  };

  return {
    sealDue,
    exportDue,
    tick,
    start() {
      if (timer === undefined && stopped === undefined) {
        timer = setInterval(() => {
          ticking ??= tick().finally(() => {
            ticking = undefined;
          });
        }, options.periodMs);
        timer.unref();
      }
      return Promise.resolve();
    },
    shutdown() {
      stopped ??= (async () => {
        if (timer !== undefined) clearInterval(timer);
        timer = undefined;
        await ticking;
      })();
      return stopped;
    },
  };
}
