// Runs the real receiver in-process for the dashboard's tests: port 0, a fresh SQLite file in a
// temp directory (or a given store), an injected clock, and every log line captured so tests can
// search it. Unlike harness.ts (the ingest tests' receiver: a settable clock, rate limits off),
// it keeps the configured rate limits and a cohort floor of 10, as a deployment has them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../logger.js';
import type { ReceiverConfig } from '../config.js';
import { createReceiver, type Receiver } from '../receiver.js';
import type { Storage } from '../storage/storage.js';

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

export interface DashboardReceiver {
  readonly receiver: Receiver;
  readonly url: string;
  readonly logs: string[];
  close(): Promise<void>;
}

export async function startDashboardReceiver(options: DashboardReceiverOptions): Promise<DashboardReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'lunadefend-dashboard-'));
  const logs: string[] = [];
  const receiver = createReceiver({
    config: {
      host: '127.0.0.1',
      port: 0,
      database: { kind: 'sqlite', path: join(dir, 'receiver.db') },
      adminToken: options.adminToken,
      publicMinCohort: options.publicMinCohort ?? 10,
      trustProxy: options.trustProxy ?? false,
      publicUrl: options.publicUrl,
      ...options.config,
    },
    ...(options.storage === undefined ? {} : { storage: options.storage }),
    now: options.now,
    retention: false,
    logger: createLogger({ level: 'info', stream: { write: (line: string) => void logs.push(line) } }),
  });
  const address = await receiver.start();
  return {
    receiver,
    url: address.url,
    logs,
    async close() {
      await receiver.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
