import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailability, type TestDatabase } from '@lunadefend/testkit';
import { reportAt, startTestReceiver, type TestReceiver } from '../testing/harness.js';

// Skips with a one-line reason on a laptop without PostgreSQL; throws (fails) under CI=true.
const availability = await postgresAvailability();

if (!availability.available) {
  describe('two receiver replicas sharing one PostgreSQL', () => {
    it.skip(`PostgreSQL unavailable: ${availability.reason}`, () => undefined);
  });
} else {
  describe('two receiver replicas sharing one PostgreSQL', () => {
    let database: TestDatabase;
    let replicas: TestReceiver[] = [];

    beforeAll(async () => {
      database = await createTestDatabase(availability.adminUrl);
      const config = { database: { kind: 'postgres' as const, url: database.url }, databasePoolSize: 10 };
      // Both start (and migrate) at the same time: migrations are serialised by an advisory lock.
      replicas = await Promise.all([startTestReceiver({ config }), startTestReceiver({ config })]);
    });
    afterAll(async () => {
      for (const replica of replicas) await replica.close();
      await database?.drop();
    });

    it('stores one of 50 concurrent copies of a report sent to both replicas, and counts it once', async () => {
      const report = reportAt();
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => replicas[i % 2]!.post(report)));
      const statuses = responses.map((x) => x.status);
      expect(statuses.filter((s) => s === 202)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(49);
      expect(responses.filter((x) => x.status === 200).every((x) => x.body.status === 'duplicate')).toBe(true);

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const rows = await client.query('select count(*)::int as n from reports where report_id = $1', [report.report_id]);
        expect(rows.rows[0].n).toBe(1);
      } finally {
        await client.end();
      }
      for (const replica of replicas) {
        const stats = await replica.receiver.storage.dailyStats({ from: '2026-03-09', to: '2026-03-09' });
        expect(stats).toEqual([
          { day: '2026-03-09', activeDeployments: 1, deploymentsByVersion: { '1.4.2': 1 }, totals: report.metrics },
        ]);
      }
    });

    it('holds the per-window bound across replicas', async () => {
      const stack = reportAt().stack_id;
      const versions = ['1.0.0', '1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5', '1.0.6', '1.0.7', '1.0.8', '1.0.9'];
      const responses = await Promise.all(
        versions.map((version, i) => replicas[i % 2]!.post(reportAt(undefined, { stack_id: stack, version }))),
      );
      // Default bound: 4 reports per (stack id, window).
      expect(responses.filter((x) => x.status === 202)).toHaveLength(4);
      expect(responses.filter((x) => x.status === 409)).toHaveLength(6);
    });
  });
}
