// POST /v1/reports: the one ingest endpoint. Order of checks: per-client rate limit → ingest key
// (when LUNADEFEND_INGEST_KEYS is set) → JSON only →
// body limit and parse → schema of the version the report names (each compiled once; a version
// newer than ours is `unsupported_schema_version`, which a collector retries) → window checks → block list
// → per-stack rate limit → plausibility → store (idempotent by report_id). The client address is
// only ever turned into a keyed hash for the rate limiter.

import { Router, type RequestHandler } from 'express';
import { hashLeaf, receiptToJson, type Receipt, type ReportValidator } from '@lunadefend/config';
import type { AlertWebhook } from '../alerts/alert-webhook.js';
import { requireIngestKey, type IngestKeys } from '../auth/ingest-keys.js';
import type { BlockList } from '../abuse/block-list.js';
import type { ClientKeyHasher } from '../abuse/client-key.js';
import type { RateLimiter } from '../abuse/rate-limiter.js';
import { ReceiverError, fromStorage } from '../errors.js';
import type { PlausibilityCheck } from '../ingest/plausibility.js';
import { assertWindowAcceptable, type WindowPolicy } from '../ingest/report-checks.js';
import type { Storage } from '../storage/storage.js';
import type { ReceiverMetrics } from '../telemetry/receiver-metrics.js';
import { readJsonBody } from './read-json-body.js';

export interface ReportsRouteDeps {
  readonly storage: Storage;
  readonly metrics: ReceiverMetrics;
  readonly now: () => Date;
  readonly maxBodyBytes: number;
  /** Longest pause within a request body before it is answered 408. */
  readonly bodyTimeoutMs: number;
  readonly windowPolicy: WindowPolicy;
  readonly maxReportsPerWindow: number;
  readonly clientKeys: ClientKeyHasher;
  readonly clientLimiter: RateLimiter | undefined;
  readonly stackLimiter: RateLimiter | undefined;
  readonly blockList: BlockList;
  readonly plausibility: PlausibilityCheck;
  readonly alerts: AlertWebhook;
  /** Every schema version this receiver accepts (docs/report-contract.md). */
  readonly reportValidator: ReportValidator;
  /** Set: a report needs a listed ingest key (before its body is read). */
  readonly ingestKeys: IngestKeys | undefined;
}

export const REPORTS_PATH = '/v1/reports';

const withReceipt = (status: string, receipt: Receipt | undefined) =>
  receipt === undefined ? { status } : { status, receipt: receiptToJson(receipt) };

/** 429 with Retry-After (whole seconds, at least 1). */
export function rateLimited(retryAfterMs: number): ReceiverError {
  return new ReceiverError('rate_limited', [], Math.max(1, Math.ceil(retryAfterMs / 1000)));
}

/** Per-client limit keyed on the hashed address. */
export function limitClients(limiter: RateLimiter | undefined, keys: ClientKeyHasher): RequestHandler {
  return (req, _res, next) => {
    if (limiter !== undefined) {
      const decision = limiter.take(keys.keyFor(req.ip ?? req.socket.remoteAddress ?? ''));
      if (!decision.ok) throw rateLimited(decision.retryAfterMs);
    }
    next();
  };
}

export function createReportsRouter(deps: ReportsRouteDeps): Router {
  const router = Router();

  const instrument: RequestHandler = (_req, res, next) => {
    const stop = deps.metrics.ingestSeconds.startTimer();
    res.on('finish', () => {
      const outcome = res.statusCode === 202 ? 'accepted' : res.statusCode === 200 ? 'duplicate' : 'rejected';
      stop({ outcome });
      if (outcome === 'rejected') deps.metrics.rejectedBy((res.locals.errorCode as never) ?? 'internal_error');
    });
    next();
  };

  const requireJson: RequestHandler = (req, _res, next) => {
    if (req.is('application/json') !== 'application/json') throw new ReceiverError('unsupported_media_type');
    next();
  };

  router.post(
    REPORTS_PATH,
    instrument,
    limitClients(deps.clientLimiter, deps.clientKeys),
    requireIngestKey(deps.ingestKeys),
    requireJson,
    readJsonBody({ maxBodyBytes: deps.maxBodyBytes, idleTimeoutMs: deps.bodyTimeoutMs }),
    async (req, res) => {
      const checked = deps.reportValidator.validate(req.body);
      if (!checked.ok) throw new ReceiverError(checked.reason, checked.errors);
      const report = checked.report;
      const now = deps.now();
      assertWindowAcceptable(report.window, deps.windowPolicy, now.getTime());
      if (await fromStorage(() => deps.blockList.isBlocked(report.stack_id))) throw new ReceiverError('stack_blocked');
      if (deps.stackLimiter !== undefined) {
        const decision = deps.stackLimiter.take(report.stack_id);
        if (!decision.ok) throw rateLimited(decision.retryAfterMs);
      }
      const flagReason = deps.plausibility(report.metrics);
      // The body as received (after Content-Encoding, see read-json-body.ts): its leaf goes into the log.
      const bytes = res.locals.receivedBody as Buffer | undefined;
      const leafHash = bytes === undefined ? undefined : hashLeaf(bytes);
      const outcome = await fromStorage(() =>
        deps.storage.insertReport(report, { receivedAt: now, flagReason, maxReportsPerWindow: deps.maxReportsPerWindow, leafHash }),
      );
      switch (outcome.status) {
        case 'duplicate':
          deps.metrics.duplicate.inc();
          res.status(200).json(withReceipt('duplicate', outcome.receipt));
          return;
        case 'window-limit':
          throw new ReceiverError('window_report_limit');
        case 'accepted':
          deps.metrics.accepted.inc();
          if (flagReason !== undefined) {
            deps.metrics.flagged.inc();
            deps.alerts.announce({
              reportId: report.report_id,
              stackId: report.stack_id,
              version: report.version,
              windowStart: report.window.start,
              reason: flagReason,
            });
          }
          res.status(202).json(withReceipt('accepted', outcome.receipt));
      }
    },
  );
  return router;
}
