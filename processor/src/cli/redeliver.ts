// `redeliver <report_id> | --all`: moves dead letters back to the outbox once their cause is fixed
// (typically a window length that differed between collector and receiver). Same report_id, same
// bytes, so a receiver that did store one still answers "duplicate" and counts it once. Safe while
// a collector runs: one SQLite transaction, and the running exporter picks the entries up on its
// next tick; otherwise they leave when the collector next starts.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseUtcTimestamp } from '@lunadefend/config';
import { stateFileProblem } from '../state/state-file-check.js';
import { openStateStore, STATE_FILE_NAME } from '../state/state-store.js';
import type { DeadLetter } from '../model/rows.js';

export function redeliverCommand(
  directory: string,
  target: { reportId: string | undefined; all: boolean },
  nowMs: number,
  out: (line: string) => void,
): number {
  if (!existsSync(join(directory, STATE_FILE_NAME))) {
    out(`no state file in ${directory}: nothing to redeliver`);
    return target.all ? 0 : 1;
  }
  const problem = stateFileProblem(directory);
  if (problem !== undefined) {
    out(`${problem.code}: ${problem.message}`);
    return 1;
  }
  const store = openStateStore({ directory });
  try {
    const moved = store.transaction(() => {
      const chosen = store.deadLetters.list().filter((d) => target.all || d.reportId === target.reportId);
      for (const dead of chosen) {
        store.outbox.insert({ ...windowOf(dead), reportId: dead.reportId, body: dead.body, sendAfterMs: nowMs, nextAttemptMs: nowMs, attempts: 0, lastError: null });
        store.deadLetters.delete(dead.reportId);
      }
      return chosen.map((d) => d.reportId);
    });
    if (moved.length === 0) {
      out(target.all ? 'no dead letters to redeliver' : `no dead letter with report_id ${target.reportId ?? ''}`);
      return target.all ? 0 : 1;
    }
    out(`moved ${moved.length} dead letter(s) back to the outbox (same report_id, same bytes); a running collector sends them on its next tick:`);
    for (const id of moved) out(`  ${id}`);
    return 0;
  } finally {
    store.close();
  }
}

function windowOf(dead: DeadLetter): { windowStartMs: number; windowEndMs: number } {
  try {
    const start = parseUtcTimestamp((JSON.parse(dead.body) as { window: { start: string } }).window.start);
    if (start !== undefined) return { windowStartMs: start, windowEndMs: dead.windowEndMs };
  } catch {
    // A body that is not a report (never expected): keep its end as its start.
  }
  return { windowStartMs: dead.windowEndMs, windowEndMs: dead.windowEndMs };
}
