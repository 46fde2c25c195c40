// Token-bucket rate limiting by an opaque key (a keyed hash of the client address, or a stack id).
// Memory is bounded: buckets that have refilled completely carry no information and are swept; if
// the table is still full, new keys are refused until it drains, so a flood of fresh keys cannot
// grow memory without limit.

export interface RateLimiterOptions {
  /** Requests allowed per `perMs`; also the burst size. */
  readonly requests: number;
  readonly perMs: number;
  /** Most keys tracked at once (default 100,000). */
  readonly maxKeys?: number;
  readonly nowMs: () => number;
}

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

export interface RateLimiter {
  take(key: string): RateDecision;
  /** Keys currently tracked. */
  size(): number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const capacity = options.requests;
  const perTokenMs = options.perMs / options.requests;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();
  let lastSweepMs = Number.NEGATIVE_INFINITY;

  const refill = (bucket: Bucket, now: number): void => {
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.atMs) / perTokenMs);
    bucket.atMs = now;
  };

  const sweep = (now: number): void => {
    lastSweepMs = now;
    for (const [key, bucket] of buckets) {
      refill(bucket, now);
      if (bucket.tokens >= capacity) buckets.delete(key);
    }
  };

  return {
    take(key) {
      const now = options.nowMs();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        // Sweeping is O(keys): at most once per token interval, and only when the table is full.
        if (buckets.size >= maxKeys && now - lastSweepMs >= perTokenMs) sweep(now);
        if (buckets.size >= maxKeys) return { ok: false, retryAfterMs: Math.ceil(perTokenMs) };
        bucket = { tokens: capacity, atMs: now };
        buckets.set(key, bucket);
      } else {
        refill(bucket, now);
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) * perTokenMs) };
    },
    size: () => buckets.size,
  };
}
