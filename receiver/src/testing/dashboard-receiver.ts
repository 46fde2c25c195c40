// The dashboard tests' receiver: the one in-process test receiver (harness.ts) with a deployment's
// settings where the ingest tests turn them off — the default rate limits and a cohort floor of
// 10 — and the caller's clock.

import type { ReceiverConfig } from '../config.js';
import { defaultReceiverConfig } from '../config.js';
import type { Storage } from '../storage/storage.js';
import { startTestReceiver, type TestReceiver } from './harness.js';

export interface DashboardReceiverOptions {
  readonly adminToken?: string | undefined;
  readonly publicMinCohort?: number;
  readonly trustProxy?: boolean | string;
  readonly publicUrl?: string;
  /** A store to use instead of a fresh SQLite file (the caller closes it). */
  readonly storage?: Storage;
  readonly now: () => Date;
  /** Any further settings. */
  readonly config?: Partial<ReceiverConfig>;
}

export type DashboardReceiver = TestReceiver;

export function startDashboardReceiver(options: DashboardReceiverOptions): Promise<DashboardReceiver> {
  const defaults = defaultReceiverConfig();
  return startTestReceiver({
    config: {
      clientRateLimit: defaults.clientRateLimit,
      stackRateLimit: defaults.stackRateLimit,
      adminToken: options.adminToken,
      publicMinCohort: options.publicMinCohort ?? 10,
      trustProxy: options.trustProxy ?? false,
      publicUrl: options.publicUrl,
      ...options.config,
    },
    ...(options.storage === undefined ? {} : { storage: options.storage }),
    now: options.now,
  });
}
