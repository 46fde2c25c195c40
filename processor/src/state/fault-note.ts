// A small file beside the state file saying why the running collector is unhealthy, so `status`
// (another process, reading the state read-only) can say it too. It is a note, not state: written
// and removed on a best-effort basis (a full disk may refuse it; the log line still says why).

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FAULT_NOTE_FILE_NAME = 'collector-fault.json';

export interface FaultNote {
  readonly code: string;
  /** Why, in words; never a report body or an attribute value. */
  readonly reason: string;
  readonly atMs: number;
}

export function writeFaultNote(directory: string, note: FaultNote): void {
  try {
    writeFileSync(join(directory, FAULT_NOTE_FILE_NAME), `${JSON.stringify(note)}\n`, { mode: 0o600 });
  } catch {
    // Best effort: the log line is the record that cannot fail for lack of space.
  }
}

export function clearFaultNote(directory: string): void {
  try {
    rmSync(join(directory, FAULT_NOTE_FILE_NAME), { force: true });
  } catch {
    // Best effort, as above.
  }
}

export function readFaultNote(directory: string): FaultNote | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(directory, FAULT_NOTE_FILE_NAME), 'utf8')) as Partial<FaultNote>;
    if (typeof parsed.code !== 'string' || typeof parsed.reason !== 'string' || typeof parsed.atMs !== 'number') return undefined;
    return { code: parsed.code, reason: parsed.reason, atMs: parsed.atMs };
  } catch {
    return undefined;
  }
}
