// The whole chain on the receiver's default storage: example tokenizer (real SDK) → collector →
// receiver on SQLite, all real processes, 2-second windows.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_KEYS } from '@lunadefend/config';
import { countingRun } from './support/counting-run.js';
import { stopAllServices } from './support/process.js';
import { sumMetrics } from './support/stores.js';

describe('tokenizer → collector → receiver on SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lunadefend-e2e-sqlite-'));
  });
  afterEach(async () => {
    await stopAllServices();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with the receiver holding exactly the operations performed, per metric, each report once', async () => {
    const run = await countingRun(dir, { kind: 'sqlite', path: join(dir, 'receiver.db') });

    expect(run.unanswered).toBe(0);
    expect(run.tokenizerExitCode).toBe(0);
    // Every counter moved, so a metric mixed up with another cannot go unnoticed.
    for (const key of REPORT_KEYS) expect(run.performed[key], key).toBeGreaterThan(0);
    expect(run.statsTotals).toEqual(run.performed);

    // The operations ran in three windows, but points belong to the window in which the collector
    // received them, so on a loaded machine late exports may share one: at least one report.
    expect(run.stored.length).toBeGreaterThanOrEqual(1);
    expect(sumMetrics(run.stored)).toEqual(run.performed);
    expect(new Set(run.stored.map((r) => r.stackId))).toEqual(new Set([run.stackId]));
    expect(new Set(run.stored.map((r) => r.version))).toEqual(new Set([run.version]));
    // What the collector's ledger says it delivered is what the receiver stored, one for one.
    expect(run.ledger.map((e) => e.reportId).sort()).toEqual(run.stored.map((r) => r.reportId).sort());
    expect(run.ledger.every((e) => e.outcome === 'accepted' && e.status === 202)).toBe(true);
  }, 120_000);

  // The first export must count in full: it carries everything counted since the service
  // started, and a start time that says so (a first point whose start time equals its timestamp
  // would be taken for a stream of unknown start, i.e. a baseline, and lost).
  it('counts the operations made before the tokenizer\'s first export', async () => {
    // A 3 s export interval puts the first round of operations before the first export, for certain.
    const run = await countingRun(dir, { kind: 'sqlite', path: join(dir, 'receiver.db') }, { exportIntervalMs: 3_000 });
    expect(run.unanswered).toBe(0);
    expect(run.tokenizerExitCode).toBe(0);
    expect(run.statsTotals).toEqual(run.performed);
  }, 120_000);
});
