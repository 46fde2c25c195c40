// Keeps failure logging bounded: during a storage outage every request fails the same way, and a
// line per request would flood the log (thousands a second). The first failure of a code is
// logged at once; further ones within `intervalMs` are only counted, and the next line logged
// after the interval carries how many were left out.

export interface ErrorLogThrottle {
  /** Returns the count of lines skipped since the last one when this one should be logged, else undefined. */
  admit(code: string): number | undefined;
}

export function createErrorLogThrottle(options: { readonly intervalMs: number; readonly nowMs: () => number }): ErrorLogThrottle {
  const byCode = new Map<string, { lastAt: number; skipped: number }>();
  return {
    admit(code) {
      const at = options.nowMs();
      const entry = byCode.get(code);
      if (entry === undefined || at - entry.lastAt >= options.intervalMs) {
        const skipped = entry?.skipped ?? 0;
        byCode.set(code, { lastAt: at, skipped: 0 });
        return skipped;
      }
      entry.skipped += 1;
      return undefined;
    },
  };
}
