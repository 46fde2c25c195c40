// Wires one receiver: storage, abuse defences, alerts, retention job, metrics and the HTTP(S)
// server. start() migrates storage and listens; shutdown() is idempotent, safe without start, and
// closes only what the receiver opened itself.

import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createReportValidator, type MetricCatalog } from '@lunadefend/config';
import { createAlertWebhook } from './alerts/alert-webhook.js';
import { createBlockList } from './abuse/block-list.js';
import { createClientKeyHasher } from './abuse/client-key.js';
import { createRateLimiter } from './abuse/rate-limiter.js';
import { createApp } from './app.js';
import { defaultReceiverConfig, type ReceiverConfig } from './config.js';
import { createPlausibilityCheck } from './ingest/plausibility.js';
import { createCellNoise } from './privacy/cell-noise.js';
import { createIngestKeys } from './auth/ingest-keys.js';
import { createLogger } from './logger.js';
import { createRetentionJob, type RetentionJob } from './retention/retention-job.js';
import { describeTarget, openStorage } from './storage/open-storage.js';
import type { Storage } from './storage/storage.js';
import { createReceiverMetrics, type ReceiverMetrics } from './telemetry/receiver-metrics.js';
import { readLogKey } from './transparency/log-key.js';
import { createTransparencyLog, type TransparencyLog } from './transparency/transparency-log.js';

export interface ReceiverOptions {
  /** Overrides of the defaults (main.ts passes the full config read from the environment). */
  readonly config?: Partial<ReceiverConfig>;
  /** A store to use instead of opening `config.database`; the caller keeps ownership and closes it. */
  readonly storage?: Storage;
  /** Injected clock for every time decision (window checks, rate limits, retention). */
  readonly now?: () => Date;
  readonly logger?: Logger;
  /** Block list reload interval (default 10 s). */
  readonly blockListRefreshMs?: number;
  /** At most one 5xx log line per error code per this interval (default 10 s). */
  readonly errorLogIntervalMs?: number;
  /** How often the ingest keys file is checked for changes (default 5 s). */
  readonly ingestKeysRefreshMs?: number;
  /** Run the retention job at start and daily (default true). */
  readonly retention?: boolean;
  /**
   * The catalog whose schema versions are accepted and whose counters are stored (default: this
   * build's). With `storage`, the store must have been created for the same catalog.
   */
  readonly catalog?: MetricCatalog;
}

export interface ReceiverAddress {
  readonly host: string;
  readonly port: number;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
}

export interface Receiver {
  readonly config: ReceiverConfig;
  readonly app: Express;
  readonly storage: Storage;
  readonly metrics: ReceiverMetrics;
  readonly retention: RetentionJob;
  readonly log: TransparencyLog;
  start(): Promise<ReceiverAddress>;
  /** The bound address once started. */
  address(): ReceiverAddress | undefined;
  shutdown(): Promise<void>;
}

export function createReceiver(options: ReceiverOptions = {}): Receiver {
  const config: ReceiverConfig = Object.freeze({ ...defaultReceiverConfig(), ...options.config });
  const now = options.now ?? (() => new Date());
  const nowMs = (): number => now().getTime();
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const ownsStorage = options.storage === undefined;
  const storage = options.storage ?? openStorage(config.database, config.databasePoolSize, options.catalog);
  const metrics = createReceiverMetrics();
  const alerts = createAlertWebhook({ url: config.alertWebhookUrl, logger, metrics, now });
  const blockList = createBlockList({ storage, nowMs, ...(options.blockListRefreshMs === undefined ? {} : { refreshMs: options.blockListRefreshMs }) });
  const retention = createRetentionJob({ storage, retentionDays: config.retentionDays, now, logger, metrics });
  const publicNoise = createCellNoise(config.publicNoiseKey);
  // A bad key file stops start-up here (main.ts reports it); no key is ever made on start-up.
  const log = createTransparencyLog({ storage, signer: config.logKeyFile === undefined ? undefined : readLogKey(config.logKeyFile) });
  const limiter = (limit: ReceiverConfig['clientRateLimit']) =>
    limit === undefined ? undefined : createRateLimiter({ ...limit, nowMs });

  const app = createApp({
    config,
    storage,
    logger,
    now,
    metrics,
    clientKeys: createClientKeyHasher({ nowMs }),
    clientLimiter: limiter(config.clientRateLimit),
    stackLimiter: limiter(config.stackRateLimit),
    blockList,
    plausibility: createPlausibilityCheck({ boundsPerDay: config.plausibilityBoundsPerDay, windowMs: config.windowMs }),
    alerts,
    publicNoise: publicNoise.noise,
    reportValidator: createReportValidator(options.catalog),
    errorLogIntervalMs: options.errorLogIntervalMs,
    ingestKeys:
      config.ingestKeysFile === undefined
        ? undefined
        : createIngestKeys({ file: config.ingestKeysFile, nowMs, ...(options.ingestKeysRefreshMs === undefined ? {} : { refreshMs: options.ingestKeysRefreshMs }) }),
    log,
  });

  let server: Server | undefined;
  let bound: ReceiverAddress | undefined;
  let stopping: Promise<void> | undefined;

  return {
    config,
    app,
    storage,
    metrics,
    retention,
    log,

    async start() {
      if (bound !== undefined) return bound;
      const applied = await storage.migrate();
      if (applied.length > 0) logger.info({ applied }, 'receiver: storage migrated');
      const logSize = await log.sync();
      logger.info({ leaves: logSize, checkpoints: log.verifierKey !== undefined }, 'receiver: transparency log loaded');
      const tls = config.tls;
      server =
        tls === undefined
          ? createHttpServer(app)
          : createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, app);
      // Slow clients must not hold sockets open: a report is a few hundred bytes, a sign-in less.
      server.requestTimeout = 15_000;
      server.headersTimeout = 5_000;
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(config.port, config.host, () => {
          listening.off('error', reject);
          resolve();
        });
      });
      const address = listening.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      bound = { host: address.address, port: address.port, url: `${tls === undefined ? 'http' : 'https'}://${host}:${address.port}` };
      if (options.retention ?? true) retention.start();
      logger.info(
        {
          port: address.port,
          host: address.address,
          tls: tls !== undefined,
          storage: ownsStorage ? describeTarget(config.database) : storage.kind,
        },
        'listening',
      );
      if (publicNoise.ephemeral) {
        logger.warn({}, 'receiver: LUNADEFEND_PUBLIC_NOISE_KEY is not set; /stats noise is drawn anew at each restart and differs between replicas');
      }
      if (config.adminToken === undefined) {
        logger.info({}, 'receiver: stats API off (LUNADEFEND_ADMIN_TOKEN is not set)');
      }
      return bound;
    },

    address: () => bound,

    shutdown() {
      stopping ??= (async () => {
        const open = server;
        if (open !== undefined) {
          await new Promise<void>((resolve) => {
            open.close(() => resolve());
            open.closeIdleConnections();
            // Requests in flight get a moment to finish; then sockets are cut.
            setTimeout(() => open.closeAllConnections(), 2000).unref();
          });
        }
        await retention.shutdown();
        await alerts.drain();
        if (ownsStorage) await storage.close();
      })();
      return stopping;
    },
  };
}
