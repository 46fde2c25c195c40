import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfterMs } from './retry-policy.js';

describe('retry policy', () => {
  const settings = { initialIntervalMs: 5000, maxIntervalMs: 3_600_000 };

  it('doubles from initial_interval up to max_interval with jitter in the upper half', () => {
    expect(backoffDelayMs(1, settings, () => 0)).toBe(2500);
    expect(backoffDelayMs(1, settings, () => 0.9999999999)).toBe(5000);
    expect(backoffDelayMs(3, settings, () => 0)).toBe(10_000);
    expect(backoffDelayMs(30, settings, () => 0.9999999999)).toBe(3_600_000);
    expect(backoffDelayMs(30, settings, () => 0)).toBe(1_800_000);
  });

  it('reads Retry-After as seconds or as an HTTP-date against our clock', () => {
    const now = Date.UTC(2026, 10, 24, 12);
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfterMs(new Date(now - 90_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('999999999', now)).toBe(24 * 3_600_000);
  });
});
