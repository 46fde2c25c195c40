// Deletes raw reports (and per-deployment rows) older than the retention period, once at start-up
// and then daily. Anonymous per-day and per-week aggregate counters are kept. Runs never overlap;
// the timer is unref'd so it never keeps the process alive.

import { DAY_MS } from '@lunadefend/config';
import type { Logger } from 'pino';
import { addDays, utcDay } from '../storage/days.js';
import type { RetentionResult, Storage } from '../storage/storage.js';
import type { ReceiverMetrics } from '../telemetry/receiver-metrics.js';

export interface RetentionJobOptions {
  readonly storage: Storage;
  readonly retentionDays: number;
  /** Default 24 h. */
  readonly intervalMs?: number;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly metrics: ReceiverMetrics;
}

export interface RetentionJob {
  /** Runs now, then every interval. */
  start(): void;
  /** One run: deletes days before today − retentionDays. */
  runOnce(): Promise<RetentionResult & { cutoffDay: string }>;
  shutdown(): Promise<void>;
}

export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  const runOnce = async (): Promise<RetentionResult & { cutoffDay: string }> => {
    const cutoffDay = addDays(utcDay(options.now().getTime()), -options.retentionDays);
    const result = await options.storage.deleteBefore(cutoffDay);
    options.metrics.retentionDeleted.inc(result.reports);
    options.logger.info(
      { cutoffDay, deletedReports: result.reports, deletedDeploymentRows: result.deploymentRows },
      'retention: deleted reports older than the retention period',
    );
    return { ...result, cutoffDay };
  };

  const tick = (): void => {
    if (running !== undefined) return;
    running = runOnce()
      .catch((error: unknown) => options.logger.error({ error: (error as Error).message }, 'retention: run failed'))
      .finally(() => {
        running = undefined;
      });
  };

  return {
    start() {
      if (timer !== undefined) return;
      tick();
      timer = setInterval(tick, options.intervalMs ?? DAY_MS);
      timer.unref();
    },
    runOnce,
    async shutdown() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
