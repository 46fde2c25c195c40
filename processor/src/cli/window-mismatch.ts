// Recognises a dead letter the receiver refused because its window length differs from the
// receiver's (`invalid_window`, "must be exactly N ms after /window/start"), so `status` can name
// both lengths and the fix instead of a raw error line.

import { formatDuration, parseUtcTimestamp } from '@lunadefend/config';
import type { DeadLetter } from '../model/rows.js';

export interface WindowMismatch {
  /** The report's window length, i.e. the collector's window when it was sealed. */
  readonly collector: string;
  /** The window length the receiver takes (LUNADEFEND_WINDOW there). */
  readonly receiver: string;
}

export function windowMismatchOf(dead: DeadLetter): WindowMismatch | undefined {
  if (!dead.error.includes('invalid_window')) return undefined;
  const receiverMs = /must be exactly (\d+) ms/.exec(dead.error)?.[1];
  if (receiverMs === undefined) return undefined;
  try {
    const window = (JSON.parse(dead.body) as { window: { start: string; end: string } }).window;
    const start = parseUtcTimestamp(window.start);
    const end = parseUtcTimestamp(window.end);
    if (start === undefined || end === undefined || end - start === Number(receiverMs)) return undefined;
    return { collector: formatDuration(end - start), receiver: formatDuration(Number(receiverMs)) };
  } catch {
    return undefined;
  }
}

export function describeWindowMismatch(m: WindowMismatch): string {
  return `refused: this report's window is ${m.collector} but the receiver takes ${m.receiver} windows; set the same LUNADEFEND_WINDOW on both, then run \`lunadefend-collector redeliver --all\``;
}
