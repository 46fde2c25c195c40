// UTC calendar arithmetic shared by both storage implementations: a report belongs to the UTC day
// of its window start, and a week is the ISO week named by its Monday.

import { DAY_MS } from '@lunadefend/config';

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** 'YYYY-MM-DD' of the UTC day containing `ms`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Milliseconds at 00:00 UTC of a 'YYYY-MM-DD' day, or undefined when it is not a real date. */
export function parseDay(day: string): number | undefined {
  if (!DAY_PATTERN.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && utcDay(ms) === day ? ms : undefined;
}

/** The Monday ('YYYY-MM-DD') of the ISO week containing the UTC day of `ms`. */
export function isoWeekStart(ms: number): string {
  const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
  // getUTCDay: 0 = Sunday … 6 = Saturday; ISO weeks start on Monday.
  const sinceMonday = (new Date(dayStart).getUTCDay() + 6) % 7;
  return utcDay(dayStart - sinceMonday * DAY_MS);
}

/** `day` plus `days` (may be negative). */
export function addDays(day: string, days: number): string {
  const ms = parseDay(day);
  if (ms === undefined) throw new RangeError(`not a UTC day: ${day}`);
  return utcDay(ms + days * DAY_MS);
}
