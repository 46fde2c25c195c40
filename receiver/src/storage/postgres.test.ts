import { describe, it } from 'vitest';
import { createTestDatabase, postgresAvailability, type TestDatabase } from '@lunadefend/testkit';
import { describeStorageContract } from './contract.js';
import { FIXTURE_POSTGRES_MIGRATIONS } from '../testing/fixture-catalog.js';
import { describeSchemaVersionsContract } from '../testing/schema-versions-contract.js';
import { createPostgresStorage } from './postgres.js';

// Skips with a one-line reason on a laptop without PostgreSQL; throws (fails) under CI=true.
const availability = await postgresAvailability();

if (!availability.available) {
  describe('storage contract: postgres', () => {
    it.skip(`PostgreSQL unavailable: ${availability.reason}`, () => undefined);
  });
} else {
  const databases: TestDatabase[] = [];
  describeStorageContract('postgres', () => ({
    async create() {
      const database = await createTestDatabase(availability.adminUrl);
      databases.push(database);
      const storage = createPostgresStorage({ url: database.url, poolSize: 8 });
      await storage.migrate();
      return storage;
    },
    async cleanup() {
      for (const database of databases) await database.drop();
    },
  }));

  describeSchemaVersionsContract('postgres', async () => {
    const database = await createTestDatabase(availability.adminUrl);
    return {
      open: (options) => createPostgresStorage({ url: database.url, poolSize: 4, ...options }),
      fixtureMigrations: FIXTURE_POSTGRES_MIGRATIONS,
      cleanup: () => database.drop(),
    };
  });
}
