// The receiver's clock minus ours, measured from the Date header of each answer. Windows are cut
// by our clock and the receiver refuses a window ending too far in its future, so an operator
// must be told when the clocks disagree: a gauge, a line in `status`, and one warning per episode.
// The header has a resolution of one second, so the measure is good to about ±1 s plus the
// round trip; only skews well beyond that are warned about.

import type { Logger } from '../component.js';
import type { StoredClockSkew } from '../state/notice-board.js';

/** Beyond this the clocks are said to disagree (the receiver's own tolerance is minutes). */
export const SKEW_WARN_MS = 60_000;

export interface ClockSkew {
  /** One answer's Date header, with our clock when the send started and when it finished. */
  observe(serverDate: string | undefined, sentAtMs: number, answeredAtMs: number): void;
  /** Receiver minus collector in ms, or undefined before any measure. */
  skewMs(): number | undefined;
  /** The last measure, kept in the state file for `status`; undefined before any measure. */
  last(): StoredClockSkew | undefined;
}

export function createClockSkew(options: { readonly logger: Logger; readonly warnMs?: number }): ClockSkew {
  const warnMs = options.warnMs ?? SKEW_WARN_MS;
  let last: StoredClockSkew | undefined;
  let warned = false;
  return {
    observe(serverDate, sentAtMs, answeredAtMs) {
      if (serverDate === undefined) return;
      const at = Date.parse(serverDate);
      if (!Number.isFinite(at)) return;
      // The header is truncated to the second: the receiver read its clock in [at, at + 1000).
      const ourMs = Math.round((sentAtMs + answeredAtMs) / 2);
      const skewMs = at + 500 - ourMs;
      last = { skewMs, atMs: answeredAtMs };
      const off = Math.abs(skewMs) > warnMs;
      if (off && !warned) {
        options.logger.warn(
          { code: 'CLOCK_SKEW', skewSeconds: Math.round(skewMs / 1000) },
          `export: this host's clock is ${describeSkew(skewMs)} the receiver's; reports are cut by this clock (see docs/guarantees.md, Time)`,
        );
      } else if (!off && warned) {
        options.logger.info({ skewSeconds: Math.round(skewMs / 1000) }, 'export: this host\'s clock agrees with the receiver\'s again');
      }
      warned = off;
    },
    skewMs: () => last?.skewMs,
    last: () => last,
  };
}

/** "10 min ahead of" / "3 s behind" — for the log line and `status`. */
export function describeSkew(skewMs: number): string {
  const abs = Math.abs(skewMs);
  const amount = abs >= 172_800_000 ? `${Math.round(abs / 86_400_000)} days` : abs >= 7_200_000 ? `${Math.round(abs / 3_600_000)} h` : abs >= 120_000 ? `${Math.round(abs / 60_000)} min` : `${Math.round(abs / 1000)} s`;
  // Receiver minus collector: negative means our clock reads later than the receiver's.
  return `${amount} ${skewMs < 0 ? 'ahead of' : 'behind'}`;
}
