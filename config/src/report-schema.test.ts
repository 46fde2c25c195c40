import { describe, expect, it } from 'vitest';
import { REPORT_KEYS, MAX_COUNTER } from './index.js';
import { validateReport, validateReportSchema, checkReportWindow, DAY_MS } from './report-validator.js';

// The example from ARCHITECTURE.md, verbatim.
const example = () => ({
  schema_version: 1,
  report_id: '0b9f5f0e-6c1e-4f57-9a8e-2f1d8a4b7c11',
  version: '1.4.2',
  stack_id: '3d9c49ce-8367-43ec-8884-568c8d43faec',
  window: { start: '2026-11-23T00:00:00Z', end: '2026-11-24T00:00:00Z' },
  metrics: {
    tokenizeSuccess: 4, tokenizeFailure: 0, detokenizeSuccess: 2,
    detokenizeFailure: 0, createGrantSuccess: 2, createGrantFailure: 0,
  },
});

type Report = ReturnType<typeof example>;

function failingPaths(mutate: (r: Report & Record<string, unknown>) => void): string[] {
  const report = example() as Report & Record<string, unknown>;
  mutate(report);
  const result = validateReport(report);
  return result.ok ? [] : [...new Set(result.errors.map((e) => e.path))];
}

describe('daily report schema', () => {
  it('accepts the ARCHITECTURE.md example', () => {
    expect(validateReport(example())).toEqual({ ok: true, report: example() });
  });

  it('requires every catalog counter, naming the missing one', () => {
    for (const key of REPORT_KEYS) {
      expect(failingPaths((r) => { delete (r.metrics as Record<string, unknown>)[key]; })).toEqual([`/metrics/${key}`]);
    }
  });

  it('rejects negative, fractional and too-large counters at their path', () => {
    expect(failingPaths((r) => { r.metrics.tokenizeSuccess = -1; })).toEqual(['/metrics/tokenizeSuccess']);
    expect(failingPaths((r) => { r.metrics.detokenizeFailure = 1.5; })).toEqual(['/metrics/detokenizeFailure']);
    expect(failingPaths((r) => { r.metrics.createGrantSuccess = MAX_COUNTER + 1; })).toEqual(['/metrics/createGrantSuccess']);
    expect(failingPaths((r) => { r.metrics.createGrantSuccess = MAX_COUNTER; })).toEqual([]);
    expect(failingPaths((r) => { (r.metrics as Record<string, unknown>).tokenizeFailure = '3'; })).toEqual(['/metrics/tokenizeFailure']);
  });

  it('rejects an extra key at every level', () => {
    expect(failingPaths((r) => { r.hostname = 'db-1'; })).toEqual(['/hostname']);
    expect(failingPaths((r) => { (r.window as Record<string, unknown>).tz = 'UTC'; })).toEqual(['/window/tz']);
    expect(failingPaths((r) => { (r.metrics as Record<string, unknown>).bytesTokenized = 1; })).toEqual(['/metrics/bytesTokenized']);
  });

  it('rejects malformed UUIDs', () => {
    expect(failingPaths((r) => { r.report_id = 'not-a-uuid'; })).toEqual(['/report_id']);
    expect(failingPaths((r) => { r.stack_id = '3D9C49CE-8367-43EC-8884-568C8D43FAEC'; })).toEqual(['/stack_id']);
    expect(failingPaths((r) => { r.stack_id = '3d9c49ce-8367-53ec-8884-568c8d43faec'; })).toEqual(['/stack_id']);
  });

  it('rejects malformed semver and overlong strings', () => {
    expect(failingPaths((r) => { r.version = '1.4'; })).toEqual(['/version']);
    expect(failingPaths((r) => { r.version = 'v1.4.2'; })).toEqual(['/version']);
    expect(failingPaths((r) => { r.version = '1.4.2-rc.1+build.7'; })).toEqual([]);
    expect(failingPaths((r) => { r.version = `1.4.2-${'a'.repeat(60)}`; })).toEqual(['/version']);
    expect(failingPaths((r) => { r.window.start = `2026-11-23T00:00:00.000000000000Z`; })).toEqual(['/window/start']);
    expect(failingPaths((r) => { r.report_id = `${'0b9f5f0e-6c1e-4f57-9a8e-2f1d8a4b7c11'}0`; })).toEqual(['/report_id']);
  });

  it('rejects a wrong schema_version and a non-object body', () => {
    expect(failingPaths((r) => { r.schema_version = 2 as 1; })).toEqual(['/schema_version']);
    const result = validateReportSchema([]);
    expect(result.ok).toBe(false);
  });

  it('rejects a window that is not aligned to UTC midnight or not 24h long', () => {
    expect(failingPaths((r) => { r.window = { start: '2026-11-23T01:00:00Z', end: '2026-11-24T01:00:00Z' }; })).toEqual(['/window/start']);
    expect(failingPaths((r) => { r.window = { start: '2026-11-23T00:00:00Z', end: '2026-11-23T12:00:00Z' }; })).toEqual(['/window/end']);
    expect(failingPaths((r) => { r.window = { start: '2026-11-23T00:00:00+01:00', end: '2026-11-24T00:00:00Z' }; })).toEqual(['/window/start']);
    expect(failingPaths((r) => { r.window = { start: '2026-02-30T00:00:00Z', end: '2026-03-01T00:00:00Z' }; })).toEqual(['/window/start']);
  });

  it('checks shorter windows against their own length', () => {
    expect(checkReportWindow({ start: '2026-11-23T00:00:05Z', end: '2026-11-23T00:00:10Z' }, 5000)).toEqual([]);
    expect(checkReportWindow({ start: '2026-11-23T00:00:04Z', end: '2026-11-23T00:00:09Z' }, 5000).map((i) => i.path)).toEqual(['/window/start']);
    expect(checkReportWindow({ start: '2026-11-23T00:00:00Z', end: '2026-11-24T00:00:00Z' }, DAY_MS)).toEqual([]);
  });
});
