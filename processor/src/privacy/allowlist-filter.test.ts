import { describe, expect, it } from 'vitest';
import { FLAG_NO_RECORDED_VALUE } from '../model/metrics-request.js';
import { point, request, resource, single, str } from '../testing/model-builders.js';
import { filterRequest } from './allowlist-filter.js';
import { createStreamKeyer } from './stream-key.js';

const keyer = createStreamKeyer(Buffer.alloc(32, 7));
const FALLBACK = '3d9c49ce-8367-43ec-8884-568c8d43faec';
const T = 1_795_000_000_000;

describe('privacy filter', () => {
  it('keeps catalog monotonic sums and hands on only report key, times, value, version, stack id and an opaque key', () => {
    const result = filterRequest(single({ value: 4, startMs: T - 10, timeMs: T, attributes: [str('user', 'alice')] }), keyer, FALLBACK);
    expect(result.rejected.size).toBe(0);
    expect(result.dropped.size).toBe(0);
    expect(result.points).toHaveLength(1);
    const [p] = result.points;
    expect(Object.keys(p ?? {}).sort()).toEqual(['producerKey', 'reportKey', 'stackId', 'startNs', 'streamKey', 'temporality', 'timeNs', 'value', 'version']);
    expect(p?.reportKey).toBe('tokenizeSuccess');
    expect(p?.stackId).toBe(FALLBACK);
    expect(p?.streamKey?.length).toBe(16);
    expect(p?.producerKey?.length).toBe(16); // a keyed hash of the resource, never its attributes
    expect(JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('alice');
  });

  it('drops metrics outside the catalog, non-monotonic sums and other kinds, counting each', () => {
    const req = request(
      resource({
        version: '1.0.0',
        sums: [
          { name: 'http.server.requests', points: [point({ value: 1, startMs: T - 1, timeMs: T })] },
          { name: 'lunadefend.tokenize.success', monotonic: false, points: [point({ value: 1, startMs: T - 1, timeMs: T })] },
        ],
      }),
      {
        resourceAttributes: [str('service.version', '1.0.0')],
        scopeMetrics: [{ scope: { name: 's', version: '', attributes: [] }, metrics: [{ name: 'lunadefend.detokenize.success', data: { kind: 'gauge', dataPointCount: 3 } }] }],
      },
    );
    const result = filterRequest(req, keyer, FALLBACK);
    expect(result.points).toHaveLength(0);
    expect(Object.fromEntries(result.dropped)).toEqual({ not_in_catalog: 1, not_monotonic_sum: 4 });
    expect(result.rejected.size).toBe(0);
  });

  it('skips NO_RECORDED_VALUE points without rejecting them', () => {
    const req = request(resource({ version: '1.0.0', sums: [{ name: 'lunadefend.tokenize.failure', points: [point({ value: undefined, timeMs: T, flags: FLAG_NO_RECORDED_VALUE })] }] }));
    const result = filterRequest(req, keyer, FALLBACK);
    expect(Object.fromEntries(result.dropped)).toEqual({ no_recorded_value: 1 });
    expect(result.rejected.size).toBe(0);
  });

  it('rejects invalid points by reason and keeps the valid ones of the same request', () => {
    const sum = (temporality: number, ...points: ReturnType<typeof point>[]) => ({ name: 'lunadefend.tokenize.success', temporality, points });
    const req = request(
      resource({
        version: '2.0.0',
        sums: [
          sum(2, point({ value: undefined, startMs: T - 1, timeMs: T }), point({ value: Number.NaN, startMs: T - 1, timeMs: T }), point({ value: 1.5, startMs: T - 1, timeMs: T })),
          sum(1, point({ value: -1, startMs: T - 1, timeMs: T }), point({ value: 3, startMs: T - 1, timeMs: 0 }), point({ value: 2, startMs: T - 1, timeMs: T })),
          sum(0, point({ value: 1, startMs: T - 1, timeMs: T })),
        ],
      }),
    );
    const result = filterRequest(req, keyer, FALLBACK);
    expect(Object.fromEntries(result.rejected)).toEqual({ no_value: 1, not_finite: 1, non_integer: 1, negative_value: 1, missing_time: 1, unspecified_temporality: 1 });
    expect(result.points.map((p) => p.value)).toEqual([2]);
    expect(result.points[0]?.streamKey).toBeUndefined(); // delta points need no stream state
  });

  it('rejects points without a semver service.version and with a malformed stack id', () => {
    const r = (version: string | undefined, stackId?: string) => filterRequest(single({ value: 1, startMs: T - 1, timeMs: T, version: version as string, stackId }), keyer, FALLBACK);
    expect(Object.fromEntries(filterRequest(request(resource({ sums: [{ name: 'lunadefend.tokenize.success', points: [point({ value: 1, startMs: T - 1, timeMs: T })] }] })), keyer, FALLBACK).rejected)).toEqual({ missing_version: 1 });
    expect(Object.fromEntries(r('latest').rejected)).toEqual({ invalid_version: 1 });
    expect(Object.fromEntries(r(`1.0.0-${'a'.repeat(70)}`).rejected)).toEqual({ invalid_version: 1 });
    expect(Object.fromEntries(r('1.0.0', 'not-a-uuid').rejected)).toEqual({ invalid_stack_id: 1 });
    expect(Object.fromEntries(r('1.0.0', 'host-01.example.com').rejected)).toEqual({ invalid_stack_id: 1 });
  });

  it('normalises a stack id to lowercase and falls back when none is given', () => {
    const upper = filterRequest(single({ value: 1, startMs: T - 1, timeMs: T, stackId: 'AB9C49CE-8367-43EC-8884-568C8D43FAEC' }), keyer, FALLBACK);
    expect(upper.points[0]?.stackId).toBe('ab9c49ce-8367-43ec-8884-568c8d43faec');
    expect(filterRequest(single({ value: 1, startMs: T - 1, timeMs: T }), keyer, FALLBACK).points[0]?.stackId).toBe(FALLBACK);
  });
});
