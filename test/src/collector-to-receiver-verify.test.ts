// Provable egress, end to end with the real processes: the collector delivers its reports (one of
// them twice, across a crash that lost the receiver's answer), keeps each receipt, and `verify`
// proves every report is in the receiver's signed log (exit 0). Then the receiver misbehaves —
// its log rewritten under an earlier checkpoint, its checkpoints signed by another key, its log
// rebuilt without one of the collector's reports — and `verify` exits 1 naming what failed.

import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { hashLeaf } from '@lunadefend/config';
import { ENTRY_POINTS, createTestDatabase, postgresAvailability, runEntryAsync, stopAllServices, waitUntil, writeCollectorConfig, type EntryResult, type TestDatabase } from '@lunadefend/testkit';
import { startAnswerHoldingProxy, type AnswerHoldingProxy } from './support/answer-holding-proxy.js';
import { E2E_WINDOW, runCollectorCli, runReceiverCli, startCollector, startReceiver, startTokenizer, type ReceiverDatabase } from './support/pipeline.js';
import { awaitCollectorDrained, operationRound } from './support/scenario.js';
import { useScratchDir, type Scratch } from './support/scratch.js';
import { ledgerEntries, sumMetrics } from './support/stores.js';

const availability = await postgresAvailability();

interface Delivered {
  readonly configPath: string;
  readonly stateDirectory: string;
  readonly keyFile: string;
  readonly port: number;
  readonly adminToken: string;
  readonly proxy: AnswerHoldingProxy;
  readonly reportIds: string[];
}

/** Tokenizer → collector → (answer-holding proxy) → receiver, with a crash while an answer is held. */
async function deliverWithCrash({ dir, onCleanup }: Scratch, database: ReceiverDatabase): Promise<Delivered> {
  const keyFile = join(dir, 'log.key');
  expect(runReceiverCli(['keygen', '--out', keyFile, '--name', 'receiver.test/log']).status).toBe(0);
  const receiver = await startReceiver({ database, window: E2E_WINDOW, env: { LUNADEFEND_LOG_KEY_FILE: keyFile } });
  const proxy = await startAnswerHoldingProxy(receiver.url);
  onCleanup(() => proxy.close());
  const stateDirectory = join(dir, 'collector-state');
  const options = { endpoint: `${proxy.url}/v1/reports`, stateDirectory, window: E2E_WINDOW };
  const first = await startCollector(writeCollectorConfig(dir, options));
  const configPath = writeCollectorConfig(dir, { ...options, otlpPort: first.otlpPort });
  const tokenizer = await startTokenizer({ otlpEndpoint: first.otlpUrl, stackId: randomUUID(), version: '2.0.0' });
  const client = tokenizer.client;
  await operationRound(client, 0);
  // The receiver has stored a report and answered 202; the collector has not heard it. Crash now.
  await waitUntil('the receiver to accept a report whose answer is held', () => proxy.held.includes(202), { timeoutMs: 30_000 });
  await first.service.stop('SIGKILL');
  proxy.holding = false;
  await startCollector(configPath);
  await operationRound(client, 1);
  expect(await tokenizer.service.stop('SIGTERM')).toBe(0);
  await awaitCollectorDrained(stateDirectory);

  const ledger = ledgerEntries(stateDirectory);
  // The report whose answer was lost went again and came back as a duplicate, with its receipt.
  expect(ledger.some((e) => e.outcome === 'duplicate')).toBe(true);
  for (const entry of ledger) expect(entry.leafHash).toBe(hashLeaf(Buffer.from(entry.body)).toString('hex'));
  expect(await receiver.totals()).toEqual(client.counts);
  expect(sumMetrics(ledger.map((e) => ({ metrics: JSON.parse(e.body).metrics }))).tokenizeSuccess).toBe(client.counts.tokenizeSuccess);
  return { configPath, stateDirectory, keyFile, port: receiver.port, adminToken: receiver.adminToken, proxy, reportIds: ledger.map((e) => e.reportId) };
}

type CliRun = EntryResult;

/** `verify` as a child process, asynchronously: the proxy it reaches the log through runs in this process. */
function verify(configPath: string): Promise<CliRun> {
  return runEntryAsync(ENTRY_POINTS.collector, ['verify', '--config', configPath]);
}

function expectAllVerified(result: CliRun, reportIds: readonly string[]): void {
  expect(result.stderr).not.toContain('verify failed');
  expect(result.status).toBe(0);
  for (const id of reportIds) expect(result.stdout).toMatch(new RegExp(`^ok +${id} `, 'm'));
}

describe('collector → receiver → verify', () => {
  const scratch = useScratchDir('verify');

  it('proves every report, the re-sent duplicate included, and catches a rewritten log, another key and a missing report (SQLite)', async () => {
    const dir = scratch.dir;
    const path = join(dir, 'receiver.db');
    const database = { kind: 'sqlite', path } as const;
    const run = await deliverWithCrash(scratch, database);

    const firstRun = await verify(run.configPath);
    expect(firstRun.stderr).toContain('trusting the key the receiver serves now, on first use');
    expectAllVerified(firstRun, run.reportIds);
    expect((await verify(run.configPath)).stderr).not.toContain('NOTICE');
    // `ledger` shows each entry's receipt and what verify found.
    const ledger = JSON.parse(runCollectorCli(['ledger', '--json', '--config', run.configPath]).stdout) as { reportId: string; receipt: unknown; verification: string }[];
    expect(ledger.map((r) => r.reportId)).toEqual(run.reportIds);
    for (const row of ledger) expect(row.verification).toMatch(/^proven in \d+$/);

    const restart = async (env: NodeJS.ProcessEnv = {}) => {
      await stopAllServices();
      return startReceiver({ database, window: E2E_WINDOW, port: run.port, adminToken: run.adminToken, env: { LUNADEFEND_LOG_KEY_FILE: run.keyFile, ...env } });
    };
    await stopAllServices();
    const backup = join(dir, 'receiver-backup.db');
    copyFileSync(path, backup);
    const restore = () => {
      copyFileSync(backup, path);
      for (const suffix of ['-wal', '-shm']) if (existsSync(`${path}${suffix}`)) rmSync(`${path}${suffix}`);
    };
    const edit = (sql: (db: Database.Database) => void) => {
      const db = new Database(path);
      try {
        sql(db);
      } finally {
        db.close();
      }
    };

    // A rewritten log: the last leaf replaced under the checkpoint verified before.
    edit((db) => db.prepare('update log_leaves set leaf_hash = ? where leaf_index = (select max(leaf_index) from log_leaves)').run(Buffer.alloc(32, 7)));
    await restart();
    const forked = await verify(run.configPath);
    expect(forked.status).toBe(1);
    expect(forked.stdout).toContain('LOG_INCONSISTENT');
    expect(forked.stderr).toContain('verify failed');

    // Restored, the log is again the one verified before: the failure did not move the reference.
    restore();
    await restart();
    expectAllVerified(await verify(run.configPath), run.reportIds);

    // Checkpoints signed by another key (the one trusted on first use is kept in the state).
    const otherKey = join(dir, 'other.key');
    expect(runReceiverCli(['keygen', '--out', otherKey, '--name', 'receiver.test/log']).status).toBe(0);
    await restart({ LUNADEFEND_LOG_KEY_FILE: otherKey });
    const foreign = await verify(run.configPath);
    expect(foreign.status).toBe(1);
    expect(foreign.stdout).toContain('LOG_KEY_MISMATCH');
    for (const id of run.reportIds) expect(foreign.stdout).toMatch(new RegExp(`^FAILED +${id} +LOG_KEY_MISMATCH`, 'm'));

    // The log rebuilt without one of the collector's reports (later leaves moved down one).
    await stopAllServices();
    const victim = ledgerEntries(run.stateDirectory)[0]!;
    edit((db) => {
      db.transaction(() => {
        db.prepare('delete from log_leaves where leaf_index = ?').run(victim.leafIndex);
        db.prepare('update log_leaves set leaf_index = -leaf_index where leaf_index > ?').run(victim.leafIndex);
        db.prepare('update log_leaves set leaf_index = -leaf_index - 1 where leaf_index < 0').run();
      })();
    });
    await restart();
    const missing = await verify(run.configPath);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toMatch(new RegExp(`^FAILED +${victim.reportId} +REPORT_NOT_IN_LOG`, 'm'));
    expect(missing.stderr).toContain(victim.reportId);
    const listed = runCollectorCli(['ledger', '--config', run.configPath]).stdout;
    expect(listed).toMatch(new RegExp(`${victim.reportId} .* failed: REPORT_NOT_IN_LOG`));
  }, 180_000);

  if (!availability.available) {
    it.skip(`PostgreSQL unavailable: ${availability.reason}`, () => undefined);
  } else {
    const adminUrl = availability.adminUrl;
    it('proves every report, the re-sent duplicate included (PostgreSQL)', async () => {
      const db: TestDatabase = await createTestDatabase(adminUrl);
      try {
        const run = await deliverWithCrash(scratch, { kind: 'postgres', url: db.url });
        expectAllVerified(await verify(run.configPath), run.reportIds);
        await stopAllServices();
      } finally {
        await db.drop();
      }
    }, 180_000);
  }
});
