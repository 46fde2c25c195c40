import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE, MAX_RANGE_DAYS, MAX_VERSIONS, parseStatsQuery } from './stats-query.js';

const NOW = new Date('2026-05-09T13:00:00Z');
const parse = (query: Record<string, unknown>) => parseStatsQuery(query, NOW);
const failure = (query: Record<string, unknown>) => {
  const parsed = parse(query);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(query)} to be refused`);
  return { code: parsed.error.code, paths: parsed.error.details.map((d) => d.path) };
};

describe('the stats query parser', () => {
  it('defaults to the last 30 UTC days, every version, every deployment, the first page of 100', () => {
    expect(parse({})).toEqual({
      ok: true,
      value: { from: '2026-04-10', to: '2026-05-09', versions: [], cohort: 'all', limit: 100, offset: 0 },
    });
  });

  it('takes from and to together or not at all', () => {
    expect(failure({ to: '2026-05-04' })).toEqual({ code: 'invalid_query', paths: ['from'] });
    expect(failure({ from: '2026-05-04' })).toEqual({ code: 'invalid_query', paths: ['to'] });
    expect(failure({ from: '2026-02-30', to: '2026-05-04' }).paths).toEqual(['from']);
  });

  it(`allows ranges of 1 to ${MAX_RANGE_DAYS} days, in order`, () => {
    expect(parse({ from: '2026-05-04', to: '2026-05-04' }).ok).toBe(true);
    expect(parse({ from: '2024-05-04', to: '2026-05-04' }).ok).toBe(true); // 731 days, a leap day within
    expect(failure({ from: '2024-05-03', to: '2026-05-04' }).paths).toEqual(['to']);
    expect(failure({ from: '2026-05-08', to: '2026-05-04' }).paths).toEqual(['to']);
  });

  it('merges versions (comma-separated) and version (repeated), sorted and without repeats; each must be semver', () => {
    const parsed = parse({ versions: '2.0.0, 1.9.1', version: ['1.9.0', '2.0.0'] });
    expect(parsed.ok && parsed.value.versions).toEqual(['1.9.0', '1.9.1', '2.0.0']);
    expect(failure({ versions: 'not-a-version' }).paths).toEqual(['versions']);
    expect(failure({ version: `1.0.0-${'a'.repeat(64)}` }).paths).toEqual(['versions']);
    const many = Array.from({ length: MAX_VERSIONS + 1 }, (_, i) => `1.0.${i}`).join(',');
    expect(failure({ versions: many }).paths).toEqual(['versions']);
  });

  it('knows two cohorts; anything else is unknown_cohort', () => {
    const parsed = parse({ cohort: 'public' });
    expect(parsed.ok && parsed.value.cohort).toBe('public');
    expect(failure({ cohort: 'Public' })).toEqual({ code: 'unknown_cohort', paths: ['cohort'] });
    expect(failure({ cohort: '' }).code).toBe('unknown_cohort');
  });

  it(`pages with limit 0 to ${MAX_PAGE_SIZE} and a non-negative offset, naming every bad parameter at once`, () => {
    const parsed = parse({ limit: '0', offset: '2000' });
    expect(parsed.ok && [parsed.value.limit, parsed.value.offset]).toEqual([0, 2000]);
    expect(failure({ limit: String(MAX_PAGE_SIZE + 1), offset: '-1', from: 'x', to: '2026-05-01' })).toEqual({
      code: 'invalid_query',
      paths: ['from', 'limit', 'offset'],
    });
  });
});
