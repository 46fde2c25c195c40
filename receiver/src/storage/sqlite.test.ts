import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStorageContract } from './contract.js';
import { FIXTURE_SQLITE_MIGRATIONS } from '../testing/fixture-catalog.js';
import { describeSchemaVersionsContract } from '../testing/schema-versions-contract.js';
import { createSqliteStorage } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'lunadefend-receiver-sqlite-'));
let n = 0;

describeStorageContract('sqlite', () => ({
  async create() {
    n += 1;
    const storage = createSqliteStorage({ path: join(dir, `store-${n}`, 'receiver.db') });
    await storage.migrate();
    return storage;
  },
  async cleanup() {
    rmSync(dir, { recursive: true, force: true });
  },
}));

describeSchemaVersionsContract('sqlite', async () => {
  const path = join(dir, `versions-${(n += 1)}`, 'receiver.db');
  return {
    open: (options) => createSqliteStorage({ path, ...options }),
    fixtureMigrations: FIXTURE_SQLITE_MIGRATIONS,
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
