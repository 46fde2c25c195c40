import { describe, expect, it } from 'vitest';
import { createSessionStore } from './session-store.js';

const HOUR = 3_600_000;

describe('session store', () => {
  let at = 0;
  const now = () => new Date(at);

  it('issues distinct random ids and accepts only them', () => {
    const store = createSessionStore({ ttlMs: 8 * HOUR, idleMs: HOUR, maxSessions: 10, now });
    const a = store.create().id;
    const b = store.create().id;
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.touch(a)).toBe(true);
    expect(store.touch(`${a}x`)).toBe(false);
    expect(store.touch(undefined)).toBe(false);
    expect(store.touch('')).toBe(false);
  });

  it('ends a session after the idle time, and after the lifetime however busy it is', () => {
    at = 0;
    const store = createSessionStore({ ttlMs: 3 * HOUR, idleMs: HOUR, maxSessions: 10, now });
    const idle = store.create().id;
    const busy = store.create().id;
    for (let minute = 30; minute < 180; minute += 30) {
      at = minute * 60_000;
      expect(store.touch(busy)).toBe(true);
    }
    expect(store.touch(idle)).toBe(false);
    at = 3 * HOUR;
    expect(store.touch(busy)).toBe(false);
  });

  it('ends a session on destroy', () => {
    const store = createSessionStore({ ttlMs: HOUR, idleMs: HOUR, maxSessions: 10, now });
    const id = store.create().id;
    store.destroy(id);
    expect(store.touch(id)).toBe(false);
  });

  it('stays within its bound by dropping the oldest sign-in', () => {
    at = 0;
    const store = createSessionStore({ ttlMs: HOUR, idleMs: HOUR, maxSessions: 3, now });
    const ids = Array.from({ length: 5 }, () => store.create().id);
    expect(store.size()).toBe(3);
    expect(ids.map((id) => store.touch(id))).toEqual([false, false, true, true, true]);
  });
});
