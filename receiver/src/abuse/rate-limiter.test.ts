import { describe, expect, it } from 'vitest';
import { createClientKeyHasher } from './client-key.js';
import { createRateLimiter } from './rate-limiter.js';

describe('rate limiter', () => {
  it('allows a burst of `requests`, then one per interval, with the wait as retryAfterMs', () => {
    let now = 0;
    const limiter = createRateLimiter({ requests: 3, perMs: 3000, nowMs: () => now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')].every((d) => d.ok)).toBe(true);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('b').ok).toBe(true);
    now = 600;
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterMs: 400 });
    now = 1000;
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('bounds memory: full buckets are swept, and new keys are refused while the table is full', () => {
    let now = 0;
    const limiter = createRateLimiter({ requests: 1, perMs: 1000, maxKeys: 3, nowMs: () => now });
    for (const key of ['a', 'b', 'c']) expect(limiter.take(key).ok).toBe(true);
    expect(limiter.take('d')).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.size()).toBe(3);
    now = 1000; // every bucket has refilled: they are swept and 'd' fits
    expect(limiter.take('d').ok).toBe(true);
    expect(limiter.size()).toBe(1);
  });
});

describe('client key hasher', () => {
  it('gives an opaque key, stable within a UTC day and different after midnight', () => {
    let now = Date.parse('2026-03-10T23:59:00Z');
    const hasher = createClientKeyHasher({ nowMs: () => now });
    const key = hasher.keyFor('198.51.100.23');
    expect(key).not.toContain('198');
    expect(hasher.keyFor('198.51.100.23')).toBe(key);
    expect(hasher.keyFor('198.51.100.24')).not.toBe(key);
    now += 120_000;
    expect(hasher.keyFor('198.51.100.23')).not.toBe(key);
  });
});
