// The one rule every part applies to a report window's length: it divides the UTC day evenly,
// so windows line up with midnight and a day holds a whole number of them. The collector's
// `validate` and `run` and the receiver's LUNADEFEND_WINDOW all ask this function.

import { DAY_MS } from './report-validator.js';

/** Why `windowMs` cannot be a report window, or undefined when it can. */
export function windowRuleProblem(windowMs: number): string | undefined {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) return 'must be a positive duration';
  if (windowMs > DAY_MS || DAY_MS % windowMs !== 0) return 'must divide 24h evenly (24h in production; 1h, 30m, 15s … for tests and demos)';
  return undefined;
}
