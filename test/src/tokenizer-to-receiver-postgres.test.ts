// The whole chain on the receiver's production storage: example tokenizer (real SDK) → collector
// → receiver on PostgreSQL, all real processes, 2-second windows. Required under CI=true; skipped
// with the reason on a machine without PostgreSQL.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORT_KEYS } from '@lunadefend/config';
import { countingRun } from './support/counting-run.js';
import { createTestDatabase, postgresAvailability, type TestDatabase } from './support/postgres.js';
import { stopAllServices } from './support/process.js';
import { sumMetrics } from './support/stores.js';

const postgres = await postgresAvailability();
if (!postgres.available) console.warn(`skipping the PostgreSQL end-to-end test: ${postgres.reason}`);

describe.skipIf(!postgres.available)('tokenizer → collector → receiver on PostgreSQL', () => {
  let dir: string;
  let database: TestDatabase | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lunadefend-e2e-postgres-'));
  });
  afterEach(async () => {
    await stopAllServices();
    await database?.drop();
    database = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with the receiver holding exactly the operations performed, per metric, each report once', async () => {
    if (!postgres.available) return;
    database = await createTestDatabase(postgres.adminUrl);
    const run = await countingRun(dir, { kind: 'postgres', url: database.url });

    expect(run.unanswered).toBe(0);
    expect(run.tokenizerExitCode).toBe(0);
    for (const key of REPORT_KEYS) expect(run.performed[key], key).toBeGreaterThan(0);
    expect(run.statsTotals).toEqual(run.performed);

    // Points belong to the window in which the collector received them (see the SQLite test).
    expect(run.stored.length).toBeGreaterThanOrEqual(1);
    expect(sumMetrics(run.stored)).toEqual(run.performed);
    expect(new Set(run.stored.map((r) => r.stackId))).toEqual(new Set([run.stackId]));
    expect(run.ledger.map((e) => e.reportId).sort()).toEqual(run.stored.map((r) => r.reportId).sort());
    expect(run.ledger.every((e) => e.outcome === 'accepted' && e.status === 202)).toBe(true);
  }, 120_000);
});
