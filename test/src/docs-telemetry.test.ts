// docs/telemetry.md tells operators exactly what leaves their network; its table of counters must
// be the catalog's, row for row, so the doc cannot fall behind a new metric (docs/report-contract.md).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG, REPORT_SCHEMA, REPORT_SCHEMA_VERSION, type CatalogEntry } from '@lunadefend/config';

const doc = readFileSync(fileURLToPath(new URL('../../docs/telemetry.md', import.meta.url)), 'utf8');

const START = '<!-- catalog table: generated from instrumentation/src/contract/catalog.ts -->';
const END = '<!-- end of catalog table -->';

/** The table as the catalog says it must read: what a failing run prints is the text to paste. */
function catalogTable(catalog: readonly CatalogEntry[]): string[] {
  return [
    '| report key | OpenTelemetry instrument | unit | since | counts |',
    '| --- | --- | --- | --- | --- |',
    ...catalog.map((m) => `| \`${m.reportKey}\` | \`${m.instrument}\` | \`${m.unit}\` | ${m.since} | ${m.description} |`),
  ];
}

function documentedTable(): string[] {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  expect(from, `docs/telemetry.md has no "${START}" line`).toBeGreaterThanOrEqual(0);
  expect(to, `docs/telemetry.md has no "${END}" line`).toBeGreaterThan(from);
  return doc.slice(from + START.length, to).trim().split('\n');
}

describe('docs/telemetry.md', () => {
  it('lists every counter of the catalog, and nothing else, with its instrument, unit, version and meaning', () => {
    expect(documentedTable()).toEqual(catalogTable(METRIC_CATALOG));
  });

  it('names the schema version the collector writes', () => {
    expect(doc).toContain(`| \`schema_version\` | the format version, \`${REPORT_SCHEMA_VERSION}\``);
    expect((REPORT_SCHEMA.properties as { schema_version: { const: number } }).schema_version.const).toBe(REPORT_SCHEMA_VERSION);
  });

  it('would fail for a catalog with one more counter', () => {
    const grown = [...METRIC_CATALOG, { instrument: 'lunadefend.fixture.widget', reportKey: 'fixtureWidget', unit: '{operation}', description: 'Widgets.', since: 2 }];
    expect(documentedTable()).not.toEqual(catalogTable(grown));
  });
});
