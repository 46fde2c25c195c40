import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailability, type TestDatabase } from '@lunadefend/testkit';

const postgres = await postgresAvailability();
if (!postgres.available) console.warn(`skipping PostgreSQL suite: ${postgres.reason}`);

describe.skipIf(!postgres.available)('the PostgreSQL that CI starts', () => {
  let database: TestDatabase | undefined;
  afterAll(async () => database?.drop());

  it('creates a database of its own, writes to it and reads back', async () => {
    if (!postgres.available) return;
    database = await createTestDatabase(postgres.adminUrl);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const version = await client.query<{ server_version_num: string }>('show server_version_num');
      expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(150_000);
      await client.query('create table t (id int primary key)');
      await client.query('insert into t values (1), (2)');
      const { rows } = await client.query<{ n: string }>('select count(*) as n from t');
      expect(rows[0]?.n).toBe('2');
    } finally {
      await client.end();
    }
  });
});
