// Plausibility bounds per metric. A report above a bound is not refused (a collector would only
// retry or dead-letter it); it is stored flagged, left out of every statistic, and announced to the
// alert webhook, so fake or broken data is visible without poisoning the numbers.

import { DAY_MS, REPORT_KEYS, type ReportKey } from '@lunadefend/config';

/**
 * Default bound: 1e9 operations of one kind in 24 hours is about 11,600 per second around the
 * clock, well above what one tokenizer deployment serves.
 */
export const DEFAULT_PLAUSIBILITY_BOUNDS_PER_DAY: Readonly<Record<ReportKey, number>> = Object.freeze(
  Object.fromEntries(REPORT_KEYS.map((k) => [k, 1_000_000_000])) as Record<ReportKey, number>,
);

export interface PlausibilityOptions {
  readonly boundsPerDay: Readonly<Record<ReportKey, number>>;
  /** Window length; bounds scale with it so short demo windows keep the same per-second ceiling. */
  readonly windowMs: number;
}

/** Returns the reason a report is implausible, or undefined. The reason names metrics and bounds only. */
export type PlausibilityCheck = (metrics: Readonly<Record<string, number>>) => string | undefined;

export function createPlausibilityCheck(options: PlausibilityOptions): PlausibilityCheck {
  const bounds = REPORT_KEYS.map((key) => ({
    key,
    max: Math.max(1, Math.ceil((options.boundsPerDay[key] * options.windowMs) / DAY_MS)),
  }));
  return (metrics) => {
    // A counter the report's schema version does not carry is not checked.
    const over = bounds.filter(({ key, max }) => (metrics[key] ?? 0) > max);
    if (over.length === 0) return undefined;
    return `above plausibility bound: ${over.map(({ key, max }) => `${key} > ${max}`).join(', ')} per window`;
  };
}
