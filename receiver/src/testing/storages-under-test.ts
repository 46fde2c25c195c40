// The stores the dashboard's HTTP suites run on: the receiver's own fresh SQLite file always, and
// a PostgreSQL database of the suite's own when one is reachable (required under CI=true; without
// it the suite records one skipped test saying why).

import { describe, it } from 'vitest';
import { createTestDatabase, postgresAvailability } from '@lunadefend/testkit';
import { createPostgresStorage } from '../storage/postgres.js';
import type { Storage } from '../storage/storage.js';

export interface StorageUnderTest {
  readonly kind: string;
  /** `storage` undefined: the receiver opens its own fresh SQLite file. */
  open(): Promise<{ storage?: Storage | undefined; close(): Promise<void> }>;
}

export async function storagesUnderTest(suite: string): Promise<StorageUnderTest[]> {
  const sqlite: StorageUnderTest = { kind: 'sqlite', open: async () => ({ close: async () => undefined }) };
  const availability = await postgresAvailability();
  if (!availability.available) {
    describe(`${suite} on postgres`, () => {
      it.skip(`PostgreSQL unavailable: ${availability.reason}`, () => undefined);
    });
    return [sqlite];
  }
  const postgres: StorageUnderTest = {
    kind: 'postgres',
    async open() {
      const database = await createTestDatabase(availability.adminUrl);
      const storage = createPostgresStorage({ url: database.url, poolSize: 4 });
      return {
        storage,
        async close() {
          await storage.close();
          await database.drop();
        },
      };
    },
  };
  return [sqlite, postgres];
}
