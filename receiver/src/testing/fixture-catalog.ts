// A catalog of report schema version 2 for tests: this build's catalog plus one counter, as the
// next real metric will make it (docs/report-contract.md). Never a real metric.

import { METRIC_CATALOG, type MetricCatalog } from '@lunadefend/config';
import { sqliteMetricMigration, postgresMetricMigration, nextMigrationVersion } from '../storage/metric-migrations.js';
import { POSTGRES_MIGRATIONS } from '../storage/postgres-migrations.js';
import { SQLITE_MIGRATIONS, type Migration } from '../storage/sqlite-migrations.js';

export const FIXTURE_KEY = 'fixtureWidget';

export const FIXTURE_CATALOG_V2: MetricCatalog = Object.freeze([
  ...METRIC_CATALOG,
  { instrument: 'lunadefend.fixture.widget', reportKey: FIXTURE_KEY, unit: '{operation}', description: 'Widgets (test catalog only).', since: 2 },
]);

/** The migration lists of a receiver built with the fixture catalog: the released ones plus the mechanical one. */
export const FIXTURE_SQLITE_MIGRATIONS: readonly Migration[] = [
  ...SQLITE_MIGRATIONS,
  sqliteMetricMigration(nextMigrationVersion(SQLITE_MIGRATIONS), FIXTURE_CATALOG_V2, 2),
];
export const FIXTURE_POSTGRES_MIGRATIONS: readonly Migration[] = [
  ...POSTGRES_MIGRATIONS,
  postgresMetricMigration(nextMigrationVersion(POSTGRES_MIGRATIONS), FIXTURE_CATALOG_V2, 2),
];
