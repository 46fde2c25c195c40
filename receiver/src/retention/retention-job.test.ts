import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { DAY_MS } from '@lunadefend/config';
import { createLogger } from '../logger.js';
import { makeReport } from '../storage/contract.js';
import { createSqliteStorage } from '../storage/sqlite.js';
import { createReceiverMetrics } from '../telemetry/receiver-metrics.js';
import { captureStream } from '../testing/harness.js';
import { createRetentionJob } from './retention-job.js';

const dir = mkdtempSync(join(tmpdir(), 'lunadefend-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('deletes exactly the reports older than the retention period and logs how many', async () => {
  const path = join(dir, 'receiver.db');
  const storage = createSqliteStorage({ path });
  await storage.migrate();
  const now = new Date('2026-06-30T08:00:00Z');
  // Cut-off with 30 days: 2026-05-31. Days 2026-05-28 … 2026-06-02, two reports each.
  const firstMs = Date.parse('2026-05-28T00:00:00Z');
  const reports = Array.from({ length: 12 }, (_, i) => makeReport({ startMs: firstMs + Math.floor(i / 2) * DAY_MS }));
  for (const report of reports) {
    await storage.insertReport(report, { receivedAt: now, maxReportsPerWindow: 4 });
  }
  const logs: string[] = [];
  const metrics = createReceiverMetrics({ processMetrics: false });
  const job = createRetentionJob({
    storage,
    retentionDays: 30,
    now: () => now,
    logger: createLogger({ stream: captureStream(logs) }),
    metrics,
  });

  const result = await job.runOnce();
  expect(result).toMatchObject({ cutoffDay: '2026-05-31', reports: 6 });

  const db = new Database(path, { readonly: true });
  const left = (db.prepare('select report_id from reports order by report_id').all() as { report_id: string }[]).map((r) => r.report_id);
  db.close();
  const kept = reports.filter((r) => r.window.start >= '2026-05-31').map((r) => r.report_id).sort();
  expect(left).toEqual(kept);

  const line = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'retention: deleted reports older than the retention period');
  expect(line).toMatchObject({ cutoffDay: '2026-05-31', deletedReports: 6 });
  expect(await metrics.retentionDeleted.get()).toMatchObject({ values: [{ value: 6 }] });

  // A second run finds nothing more; start() runs at once, shutdown waits for it.
  job.start();
  await job.shutdown();
  expect(logs.filter((l) => l.includes('"deletedReports":0'))).toHaveLength(1);
  await storage.close();
});
