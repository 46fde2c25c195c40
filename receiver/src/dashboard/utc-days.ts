// Day-range helpers the dashboard needs on top of the storage's UTC day arithmetic
// (../storage/days.ts), which stays the one definition of days and ISO weeks.

import { DAY_MS } from '@lunadefend/config';
import { addDays, parseDay } from '../storage/days.js';

/** Whole days from `from` to `to` (negative when `to` is earlier); both must be valid days. */
export function daysBetween(from: string, to: string): number {
  return Math.round(((parseDay(to) ?? NaN) - (parseDay(from) ?? NaN)) / DAY_MS);
}

/** Every day of the inclusive range, in order. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}
