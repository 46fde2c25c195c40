import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailability } from '@lunadefend/testkit';
import { expectDeploymentsExact, seedReports, storeSeeded } from './contract.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { createPostgresStorage } from './postgres.js';

// Skips with a one-line reason on a laptop without PostgreSQL; throws (fails) under CI=true.
const availability = await postgresAvailability();

describe('postgres migrations', () => {
  if (!availability.available) {
    it.skip(`PostgreSQL unavailable: ${availability.reason}`, () => undefined);
    return;
  }
  const adminUrl = availability.adminUrl;

  it('version 4 builds the deployment runs from the per-day rows a version 3 store wrote', async () => {
    const database = await createTestDatabase(adminUrl);
    try {
      // A store left at version 3: its ingest function (in the database) writes per-day rows only.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('create table schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null)');
        for (const migration of POSTGRES_MIGRATIONS.filter((m) => m.version <= 3)) {
          await client.query(migration.sql);
          await client.query('insert into schema_migrations values ($1, $2, now())', [migration.version, migration.name]);
        }
      } finally {
        await client.end();
      }
      const storage = createPostgresStorage({ url: database.url, poolSize: 4 });
      try {
        const seeded = seedReports();
        await storeSeeded(storage, seeded);
        expect(await storage.migrate()).toEqual(POSTGRES_MIGRATIONS.filter((m) => m.version > 3).map((m) => m.version));
        await expectDeploymentsExact(storage, seeded);
      } finally {
        await storage.close();
      }
    } finally {
      await database.drop();
    }
  });
});
