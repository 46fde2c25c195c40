// The whole chain on the receiver's default storage: example tokenizer (real SDK) → collector →
// receiver on SQLite, all real processes, 2-second windows.

import { describe, expect, it } from 'vitest';
import { countingRun, expectCountedExactly } from './support/counting-run.js';
import { sqliteIn } from './support/pipeline.js';
import { useScratchDir } from './support/scratch.js';

describe('tokenizer → collector → receiver on SQLite', () => {
  const scratch = useScratchDir('sqlite');

  it('ends with the receiver holding exactly the operations performed, per metric, each report once', async () => {
    expectCountedExactly(await countingRun(scratch.dir, sqliteIn(scratch.dir)));
  }, 120_000);

  // The first export must count in full: it carries everything counted since the service
  // started, and a start time that says so (a first point whose start time equals its timestamp
  // would be taken for a stream of unknown start, i.e. a baseline, and lost).
  it('counts the operations made before the tokenizer\'s first export', async () => {
    // A 3 s export interval puts the first round of operations before the first export, for certain.
    const run = await countingRun(scratch.dir, sqliteIn(scratch.dir), { exportIntervalMs: 3_000 });
    expect(run.unanswered).toBe(0);
    expect(run.tokenizerExitCode).toBe(0);
    expect(run.statsTotals).toEqual(run.performed);
  }, 120_000);
});
