// The receiver's half of the report contract (docs/report-contract.md): it accepts every schema
// version its catalog has published, each checked against its own schema, and answers a newer
// version with `unsupported_schema_version` (which a collector keeps and retries), storing nothing.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../storage/sqlite.js';
import type { Storage } from '../storage/storage.js';
import { FIXTURE_CATALOG_V2, FIXTURE_KEY, FIXTURE_SQLITE_MIGRATIONS } from '../testing/fixture-catalog.js';
import { reportAt, startTestReceiver, type TestReceiver } from '../testing/harness.js';

const v1 = () => reportAt();
const v2 = (fixture = 3) => {
  const report = reportAt();
  return { ...report, schema_version: 2, metrics: { ...report.metrics, [FIXTURE_KEY]: fixture } };
};

const opened: { receiver: TestReceiver; storage?: Storage; dir?: string }[] = [];
afterEach(async () => {
  for (const { receiver, storage, dir } of opened.splice(0)) {
    await receiver.close();
    await storage?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
});

async function receiverOfVersion1(): Promise<TestReceiver> {
  const receiver = await startTestReceiver();
  opened.push({ receiver });
  return receiver;
}

async function receiverOfVersion2(): Promise<{ receiver: TestReceiver; storage: Storage }> {
  const dir = mkdtempSync(join(tmpdir(), 'lunadefend-receiver-v2-'));
  const storage = createSqliteStorage({ path: join(dir, 'receiver.db'), catalog: FIXTURE_CATALOG_V2, migrations: FIXTURE_SQLITE_MIGRATIONS });
  const receiver = await startTestReceiver({ storage, catalog: FIXTURE_CATALOG_V2 });
  opened.push({ receiver, storage, dir });
  return { receiver, storage };
}

describe('POST /v1/reports across schema versions', () => {
  it('answers a report newer than the receiver with 400 unsupported_schema_version, naming the versions it accepts, and stores nothing', async () => {
    const r = await receiverOfVersion1();
    const response = await r.post(v2());
    expect(response).toMatchObject({
      status: 400,
      body: {
        error: 'unsupported_schema_version',
        details: [{ path: '/schema_version', message: 'is 2; the versions accepted are 1 to 1' }],
      },
    });
    expect(await r.receiver.storage.dailyStats({ from: '2026-03-01', to: '2026-03-31' })).toEqual([]);
    expect(r.logs.join('')).not.toContain(v2().report_id);
  });

  it('accepts reports of every version it has published, each against its own schema', async () => {
    const { receiver: r, storage } = await receiverOfVersion2();
    expect(await r.post(v1())).toMatchObject({ status: 202 });
    expect(await r.post(v2(5))).toMatchObject({ status: 202 });
    const [day] = await storage.dailyStats({ from: '2026-03-09', to: '2026-03-09' });
    expect((day!.totals as Record<string, number | null>)[FIXTURE_KEY]).toBe(5);
    expect(day!.totals.tokenizeSuccess).toBe(v1().metrics.tokenizeSuccess * 2);
  });

  it('refuses a counter in a version that does not carry it, and a missing one in a version that does', async () => {
    const { receiver: r } = await receiverOfVersion2();
    const stray = { ...v1(), metrics: { ...v1().metrics, [FIXTURE_KEY]: 1 } };
    const { [FIXTURE_KEY]: _dropped, ...withoutFixture } = v2().metrics;
    const missing = { ...v2(), metrics: withoutFixture };
    for (const [body, path] of [[stray, `/metrics/${FIXTURE_KEY}`], [missing, `/metrics/${FIXTURE_KEY}`]] as const) {
      const response = await r.post(body);
      expect(response).toMatchObject({ status: 400, body: { error: 'schema_violation' } });
      expect((response.body.details as { path: string }[]).map((d) => d.path)).toEqual([path]);
    }
    expect(await r.post({ ...v2(), schema_version: 3 })).toMatchObject({ status: 400, body: { error: 'unsupported_schema_version' } });
  });

  it('publishes the schema of every version it accepts, and the newest at /v1/schema', async () => {
    const { receiver: r } = await receiverOfVersion2();
    const id = async (path: string) => (await r.get(path)).body.$id;
    expect(await id('/v1/schema')).toBe('https://lunadefend.example/schemas/daily-report/v2.json');
    expect(await id('/v1/schema/v1')).toBe('https://lunadefend.example/schemas/daily-report/v1.json');
    expect(await id('/v1/schema/v2')).toBe('https://lunadefend.example/schemas/daily-report/v2.json');
    expect((await r.get('/v1/schema/v3')).status).toBe(404);
  });

  it('counts the refusal by its code in its own metrics', async () => {
    const r = await receiverOfVersion1();
    await r.post(v2());
    expect((await r.get('/metrics')).text).toMatch(/lunadefend_receiver_reports_rejected_total\{[^}]*unsupported_schema_version[^}]*\} 1/);
  });
});
