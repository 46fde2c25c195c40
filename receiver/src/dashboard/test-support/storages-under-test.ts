// The stores the dashboard's HTTP suites run on: the receiver's own fresh SQLite file always, and
// a PostgreSQL database of the suite's own when one is reachable (required under CI=true; without
// it the suite records one skipped test saying why).

import { describe, it } from 'vitest';
import { createTestDatabase, postgresAvailability } from '@lunadefend/testkit';
import { createPostgresStorage } from '../../storage/postgres.js';
import type { Storage } from '../../storage/storage.js';

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
          // After many inserts an autovacuum worker (not ours to end) may still be on the
          // database for a moment; dropping is retried until it is gone.
          for (let attempt = 1; ; attempt += 1) {
            try {
              await database.drop();
              return;
            } catch (error) {
              if (attempt >= 10) throw error;
              await new Promise((resolve) => setTimeout(resolve, 1000));
            }
          }
        },
      };
    },
  };
  return [sqlite, postgres];
}
