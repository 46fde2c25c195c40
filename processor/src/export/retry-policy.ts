// When to try a failed send again: exponential backoff from initial_interval, doubling per failed
// attempt up to max_interval, with "equal jitter" (half fixed, half random) so a fleet that failed
// together does not retry together. A Retry-After from the receiver replaces the computed delay.

export interface RetrySettings {
  readonly initialIntervalMs: number;
  readonly maxIntervalMs: number;
}

/** Delay before the next attempt after `failedAttempts` (≥ 1) consecutive failures. */
export function backoffDelayMs(failedAttempts: number, settings: RetrySettings, random: () => number): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 40);
  const ceiling = Math.min(settings.maxIntervalMs, settings.initialIntervalMs * 2 ** exponent);
  return Math.ceil(ceiling / 2 + random() * (ceiling / 2));
}

/** Longest Retry-After we obey; anything beyond is treated as this (max_age still applies). */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * Parses Retry-After: delay-seconds or an HTTP-date (relative to `nowMs`, our clock). Undefined
 * when absent or unreadable, so the caller falls back to backoff.
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(text);
  if (!Number.isFinite(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.min(Math.max(at - nowMs, 0), MAX_RETRY_AFTER_MS);
}
