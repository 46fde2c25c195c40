import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG, zeroMetrics, type CatalogEntry } from '@lunadefend/metrics/contract';
import { REPORT_SCHEMA, buildReportSchema, buildReportSchemas } from './report-schema.js';
import { createReportValidator } from './report-validator.js';

const V2 = [
  ...METRIC_CATALOG,
  { instrument: 'lunadefend.fixture.widget', reportKey: 'fixtureWidget', unit: '{operation}', description: 'Test only.', since: 2 },
] satisfies CatalogEntry[];

const report = (schemaVersion: number, metrics: Record<string, unknown>) => ({
  schema_version: schemaVersion,
  report_id: '0b9f5f0e-6c1e-4f57-9a8e-2f1d8a4b7c11',
  version: '1.4.2',
  stack_id: '3d9c49ce-8367-43ec-8884-568c8d43faec',
  window: { start: '2026-11-23T00:00:00Z', end: '2026-11-24T00:00:00Z' },
  metrics,
});
const v1 = () => report(1, zeroMetrics());
const v2 = () => report(2, { ...zeroMetrics(), fixtureWidget: 3 });

const paths = (result: ReturnType<ReturnType<typeof createReportValidator>['validate']>) =>
  result.ok ? [] : result.errors.map((e) => e.path);

describe('report schemas of every version', () => {
  it('generates one schema per version, each pinning its version and requiring exactly its counters', () => {
    const schemas = buildReportSchemas(V2);
    expect([...schemas.keys()]).toEqual([1, 2]);
    const metricsOf = (v: number) => (schemas.get(v)!.properties as { metrics: { required: string[] } }).metrics.required;
    expect(metricsOf(1)).not.toContain('fixtureWidget');
    expect(metricsOf(2)).toEqual([...metricsOf(1), 'fixtureWidget']);
    expect((schemas.get(2)!.properties as { schema_version: unknown }).schema_version).toEqual({ type: 'integer', const: 2 });
    expect(schemas.get(2)!.$id).toBe('https://lunadefend.example/schemas/daily-report/v2.json');
  });

  it('leaves the schema of a published version unchanged when a later version is added', () => {
    expect(buildReportSchema(V2, 1)).toEqual(REPORT_SCHEMA);
  });
});

describe('a receiver validator over every published version', () => {
  const newer = createReportValidator(V2);
  const older = createReportValidator(METRIC_CATALOG);

  it('accepts a report of each version it has published, each against its own schema', () => {
    expect(newer.versions).toEqual([1, 2]);
    expect(newer.validate(v1())).toEqual({ ok: true, report: v1() });
    expect(newer.validate(v2())).toEqual({ ok: true, report: v2() });
  });

  it('holds each version to its own counters: none missing, none from another version', () => {
    expect(paths(newer.validate(report(1, { ...zeroMetrics(), fixtureWidget: 3 })))).toEqual(['/metrics/fixtureWidget']);
    expect(paths(newer.validate(report(2, zeroMetrics())))).toEqual(['/metrics/fixtureWidget']);
    expect(newer.validate(report(2, zeroMetrics()))).toMatchObject({ ok: false, reason: 'schema_violation' });
  });

  it('names a version newer than any it accepts as unsupported, not as a schema violation', () => {
    expect(older.validate(v2())).toEqual({
      ok: false,
      reason: 'unsupported_schema_version',
      errors: [{ path: '/schema_version', message: 'is 2; the versions accepted are 1 to 1' }],
    });
    expect(newer.validate(report(3, {}))).toMatchObject({ ok: false, reason: 'unsupported_schema_version' });
  });

  it('answers a version that was never published, or is not a whole number, with the newest schema', () => {
    for (const bad of [0, -1, 1.5, '1', null]) {
      const result = newer.validate(report(bad as number, { ...zeroMetrics(), fixtureWidget: 1 }));
      expect(result).toMatchObject({ ok: false, reason: 'schema_violation' });
      expect(paths(result)).toContain('/schema_version');
    }
    expect(newer.validate([])).toMatchObject({ ok: false, reason: 'schema_violation' });
    expect(newer.validate(null)).toMatchObject({ ok: false, reason: 'schema_violation' });
  });
});
