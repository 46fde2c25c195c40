import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG } from '@lunadefend/config';
import { FIXTURE_CATALOG_V2 } from '../testing/fixture-catalog.js';
import { metricColumns } from './columns.js';
import { nextMigrationVersion, postgresMetricMigration, sqliteMetricMigration } from './metric-migrations.js';
import { ingestBatchFunctionSql } from './postgres-ingest.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('metric migrations', () => {
  it('adds a nullable column per new counter to the reports and the totals, and nothing else, on SQLite', () => {
    expect(sqliteMetricMigration(9, FIXTURE_CATALOG_V2, 2)).toEqual({
      version: 9,
      name: 'report schema version 2: fixtureWidget',
      sql: 'alter table reports add column fixture_widget integer;\nalter table version_totals add column fixture_widget integer;',
    });
  });

  it('adds the columns and re-creates the ingest function over every counter of the version on PostgreSQL', () => {
    const migration = postgresMetricMigration(9, FIXTURE_CATALOG_V2, 2);
    expect(migration.sql.startsWith('alter table reports add column fixture_widget bigint;\nalter table version_totals add column fixture_widget bigint;\n')).toBe(true);
    expect(migration.sql.endsWith(ingestBatchFunctionSql(metricColumns(FIXTURE_CATALOG_V2)))).toBe(true);
    expect(migration.sql).toContain('fixture_widget = coalesce(t.fixture_widget + excluded.fixture_widget, t.fixture_widget, excluded.fixture_widget)');
  });

  it('depends only on the catalog up to its version, so a released migration keeps its text when the catalog grows', () => {
    const v3 = [...FIXTURE_CATALOG_V2, { instrument: 'lunadefend.fixture.gadget', reportKey: 'fixtureGadget', unit: '{operation}', description: 'x', since: 3 }];
    expect(postgresMetricMigration(9, v3, 2)).toEqual(postgresMetricMigration(9, FIXTURE_CATALOG_V2, 2));
    expect(sqliteMetricMigration(9, v3, 2)).toEqual(sqliteMetricMigration(9, FIXTURE_CATALOG_V2, 2));
    expect(ingestBatchFunctionSql(metricColumns(FIXTURE_CATALOG_V2).filter((c) => c.since <= 1))).toBe(
      POSTGRES_MIGRATIONS.find((m) => m.version === 5)!.sql,
    );
  });

  it('refuses a version that introduces no counter', () => {
    expect(() => sqliteMetricMigration(9, METRIC_CATALOG, 2)).toThrow('schema version 2 introduces no metric in this catalog');
    expect(() => postgresMetricMigration(9, FIXTURE_CATALOG_V2, 1)).not.toThrow();
  });

  it('keeps the released generated ingest function (PostgreSQL migration 5) byte for byte', () => {
    // A change to postgres-ingest.ts would silently rewrite a released migration: write a new
    // migration instead (and a new generator if the old text must stay reproducible).
    expect(sha256(POSTGRES_MIGRATIONS.find((m) => m.version === 5)!.sql)).toBe('778a6396f11b3d68abc8edf0ec826ba5862e38fc413798a75cb4a9066dbb3f21');
  });

  it('numbers a migration after the last of its list', () => {
    expect(nextMigrationVersion(POSTGRES_MIGRATIONS)).toBe(Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version)) + 1);
    expect(nextMigrationVersion([])).toBe(1);
  });
});
