// UTC-aligned windows: a window of length L starts at a multiple of L since the Unix epoch, so 24h
// windows run midnight to midnight UTC on every collector, whatever its start time (the upstream
// intervalprocessor ticks from its own start instead).

export interface UtcWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** The window that contains `nowMs`. */
export function windowOf(nowMs: number, windowMs: number): UtcWindow {
  const startMs = Math.floor(nowMs / windowMs) * windowMs;
  return { startMs, endMs: startMs + windowMs };
}

/**
 * The largest send delay used after a window ends. The configured send_jitter is capped at half
 * the window: with demo windows of seconds, an hour of jitter would pile reports up, and a report
 * should go out before the next window ends. 24h windows with 1h jitter are unaffected.
 */
export function effectiveJitterMs(sendJitterMs: number, windowMs: number): number {
  return Math.min(sendJitterMs, Math.floor(windowMs / 2));
}
