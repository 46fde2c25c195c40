// The mechanical migrations of the report contract. Adding a metric to the catalog (a new schema
// version) takes one entry in each migration list:
//   sqliteMetricMigration(<next number>, METRIC_CATALOG, <schema version>)
//   postgresMetricMigration(<next number>, METRIC_CATALOG, <schema version>)
// They add a nullable column per counter the version introduced (older reports and the totals
// before the version are null: unknown) and, on PostgreSQL, re-create the ingest function over the
// columns of that version. Both depend only on catalog entries up to `schemaVersion`, which never
// change (the catalog only grows), so a released migration's text stays the same (released-migrations.test.ts).

import type { MetricCatalog } from '@lunadefend/config';
import { metricColumns } from './columns.js';
import { ingestBatchFunctionSql } from './postgres-ingest.js';
import type { Migration } from './sqlite-migrations.js';

function columnsAt(catalog: MetricCatalog, schemaVersion: number) {
  const all = metricColumns(catalog).filter((c) => c.since <= schemaVersion);
  const added = all.filter((c) => c.since === schemaVersion);
  if (added.length === 0) throw new Error(`schema version ${schemaVersion} introduces no metric in this catalog`);
  return { all, added };
}

function addColumns(columns: readonly { column: string }[], type: string): string {
  return ['reports', 'version_totals']
    .flatMap((table) => columns.map((c) => `alter table ${table} add column ${c.column} ${type};`))
    .join('\n');
}

export function sqliteMetricMigration(version: number, catalog: MetricCatalog, schemaVersion: number): Migration {
  const { added } = columnsAt(catalog, schemaVersion);
  return { version, name: `report schema version ${schemaVersion}: ${added.map((c) => c.key).join(', ')}`, sql: addColumns(added, 'integer') };
}

export function postgresMetricMigration(version: number, catalog: MetricCatalog, schemaVersion: number): Migration {
  const { all, added } = columnsAt(catalog, schemaVersion);
  return {
    version,
    name: `report schema version ${schemaVersion}: ${added.map((c) => c.key).join(', ')}`,
    sql: `${addColumns(added, 'bigint')}\n${ingestBatchFunctionSql(all)}`,
  };
}

/** The next free number of a migration list. */
export function nextMigrationVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0) + 1;
}
