import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { expectDeploymentsExact, seedReports, storeSeeded } from './contract.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { createSqliteStorage } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'lunadefend-receiver-sqlite-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite migrations', () => {
  it('version 3 builds the deployment runs from the per-day rows a version 2 store holds', async () => {
    // The per-day rows of version 2 are what ingest has always written: take them from a current
    // store and put them into a store left at version 2.
    const seeded = seedReports();
    const currentPath = join(dir, 'current.db');
    const current = createSqliteStorage({ path: currentPath });
    await current.migrate();
    await storeSeeded(current, seeded);
    await current.close();

    const oldPath = join(dir, 'at-version-2.db');
    const old = new Database(oldPath);
    old.exec('create table schema_migrations (version integer primary key, name text not null, applied_at text not null)');
    for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 2)) {
      old.exec(migration.sql);
      old.prepare('insert into schema_migrations values (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
    }
    old.prepare('attach database ? as current').run(currentPath);
    for (const table of ['reports', 'deployment_periods', 'version_totals', 'period_totals']) {
      // Only the columns the old version has (later versions add some).
      const columns = (old.prepare('select name from pragma_table_info(?)').all(table) as { name: string }[]).map((c) => c.name).join(', ');
      old.exec(`insert into main.${table} (${columns}) select ${columns} from current.${table}`);
    }
    old.exec('detach database current');
    old.close();

    const migrated = createSqliteStorage({ path: oldPath });
    try {
      expect(await migrated.migrate()).toEqual(SQLITE_MIGRATIONS.filter((m) => m.version > 2).map((m) => m.version));
      await expectDeploymentsExact(migrated, seeded);
    } finally {
      await migrated.close();
    }
  });
});
