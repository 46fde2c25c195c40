// Seal: when a window has ended, one transaction turns each of its groups into a report in the
// outbox (send time = window end + random(0, jitter)) and deletes the totals. Sealing happens
// only for windows that are over — never early on shutdown — so a restart continues the window.

import type { Logger } from '../component.js';
import type { StateStore } from '../state/state-store.js';
import { reportBody } from './report-body.js';
import { effectiveJitterMs, windowOf } from './utc-window.js';

export interface SealResult {
  readonly sealed: number;
  readonly invalid: number;
}

export interface Sealer {
  /** Seals every window that ended at or before nowMs. Must be called inside a transaction. */
  sealDue(store: StateStore, nowMs: number): SealResult;
}

export interface SealerOptions {
  readonly windowMs: number;
  readonly sendJitterMs: number;
  readonly random: () => number;
  readonly logger: Logger;
}

export function createSealer(options: SealerOptions): Sealer {
  const jitterMs = effectiveJitterMs(options.sendJitterMs, options.windowMs);
  return {
    sealDue(store, nowMs) {
      const current = windowOf(nowMs, options.windowMs);
      let sealed = 0;
      let invalid = 0;
      for (const group of store.windows.groups(current.startMs)) {
        const endMs = group.windowStartMs + options.windowMs;
        const report = reportBody(group, options.windowMs);
        if (report.ok) {
          const sendAfterMs = endMs + Math.floor(options.random() * jitterMs);
          store.outbox.insert({
            reportId: group.reportId,
            windowStartMs: group.windowStartMs,
            windowEndMs: endMs,
            body: report.body,
            sendAfterMs,
            nextAttemptMs: sendAfterMs,
            attempts: 0,
            lastError: null,
          });
          sealed++;
        } else {
          // Never expected (inputs are checked at intake); kept visibly rather than sent or lost.
          store.deadLetters.insert({ reportId: group.reportId, windowEndMs: endMs, body: report.body, status: null, error: `REPORT_INVALID: ${report.error}`, deadAtMs: nowMs });
          options.logger.error({ code: 'REPORT_INVALID' }, 'seal: a sealed report failed the report schema; moved to dead letters');
          invalid++;
        }
        store.windows.deleteGroup(group.reportId);
      }
      return { sealed, invalid };
    },
  };
}
