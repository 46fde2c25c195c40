import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG, catalogProblems, entriesAt, latestSchemaVersion, schemaVersions, type CatalogEntry } from '@lunadefend/metrics/contract';
import { REPORT_SCHEMA_VERSION } from './report-schema.js';

// A later version of the catalog, as the next real metric will make it: one counter more.
const WIDGET: CatalogEntry = {
  instrument: 'lunadefend.fixture.widget',
  reportKey: 'fixtureWidget',
  unit: '{operation}',
  description: 'A counter that exists only in the test catalog of version 2.',
  since: 2,
};
const V2 = [...METRIC_CATALOG, WIDGET];

describe('metric catalog evolution', () => {
  it('keeps the rules: unique names, since in order from 1, every version introduces a metric', () => {
    expect(catalogProblems(METRIC_CATALOG)).toEqual([]);
    expect(catalogProblems(V2)).toEqual([]);
  });

  it('writes the newest schema version of its catalog', () => {
    expect(REPORT_SCHEMA_VERSION).toBe(latestSchemaVersion(METRIC_CATALOG));
    expect(schemaVersions(METRIC_CATALOG)).toEqual([1]);
    expect(schemaVersions(V2)).toEqual([1, 2]);
  });

  it('gives each version the entries up to it, in catalog order', () => {
    expect(entriesAt(V2, 1)).toEqual([...METRIC_CATALOG]);
    expect(entriesAt(V2, 2).map((e) => e.reportKey)).toEqual([...METRIC_CATALOG.map((e) => e.reportKey), 'fixtureWidget']);
  });

  it('names a renamed, reordered or skipped entry', () => {
    expect(catalogProblems([...V2, { ...WIDGET, instrument: 'lunadefend.other' }])).toEqual(['fixtureWidget appears twice']);
    expect(catalogProblems([WIDGET, ...METRIC_CATALOG])).toContain(
      'tokenizeSuccess: since 1 comes after since 2; add new metrics at the end',
    );
    expect(catalogProblems([...METRIC_CATALOG, { ...WIDGET, since: 3 }])).toEqual(['schema version 2 introduces no metric']);
    expect(catalogProblems([...METRIC_CATALOG, { ...WIDGET, since: 1.5 }])).toContain('fixtureWidget: since must be a whole number from 1');
    expect(catalogProblems([...METRIC_CATALOG, { ...WIDGET, reportKey: 'fixture_widget' }])).toEqual([
      'fixture_widget: a report key is lowerCamelCase',
    ]);
  });
});
