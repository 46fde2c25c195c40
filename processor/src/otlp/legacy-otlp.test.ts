import { describe, expect, it } from 'vitest';
import { previewReports } from '../window/report-preview.js';
import type { Fixture } from '../testing/collector-fixture.js';
import { useTestCollectors } from '../testing/test-collectors.js';
import { decodeJsonMetricsRequest } from './decode-json.js';
import { decodeProtobufMetricsRequest } from './decode-protobuf.js';

const T0 = Date.UTC(2026, 10, 24, 10);
const NS = (ms: number) => BigInt(ms) * 1_000_000n;
const collectors = useTestCollectors();
const start = () => collectors.make({ atMs: T0, env: { LUNADEFEND_TELEMETRY: 'local' } });

const total = (f: Fixture) => previewReports(f.config).open.reduce((s, b) => s + (JSON.parse(b) as { metrics: { tokenizeSuccess: number } }).metrics.tokenizeSuccess, 0);

// A protobuf writer just big enough for one legacy request.
const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
};
const len = (field: number, bytes: number[]): number[] => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const text = (field: number, value: string): number[] => len(field, [...Buffer.from(value, 'utf8')]);
const fixed64 = (field: number, value: bigint): number[] => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return [...varint((field << 3) | 1), ...b];
};
const keyValue = (key: string, value: string) => len(1, [...text(1, key), ...len(2, text(1, value))]);

/** OTLP 0.15–0.18: ResourceMetrics.instrumentation_library_metrics = 1000, InstrumentationLibrary = the scope. */
function legacyProtobuf(value: number): Uint8Array {
  const point = [...fixed64(2, NS(T0 + 1)), ...fixed64(3, NS(T0 + 500)), ...fixed64(6, BigInt(value))];
  const sum = [...len(1, point), ...varint((2 << 3) | 0), 2, ...varint((3 << 3) | 0), 1];
  const metric = [...text(1, 'lunadefend.tokenize.success'), ...len(7, sum)];
  const libraryMetrics = [...len(1, text(1, 'legacy-lib')), ...len(2, metric)];
  const resourceMetrics = [...len(1, keyValue('service.version', '1.0.0')), ...len(1000, libraryMetrics)];
  return Uint8Array.from(len(1, resourceMetrics));
}

describe('legacy OTLP', () => {
  it('decodes protobuf field 1000 (instrumentation_library_metrics) as scopes, as the Go collector does', () => {
    const { c, f } = start();
    const request = decodeProtobufMetricsRequest(legacyProtobuf(7));
    expect(request.resourceMetrics[0]?.scopeMetrics[0]?.scope.name).toBe('legacy-lib');
    expect(c.consume(request)).toMatchObject({ kind: 'accepted', rejectedDataPoints: 0 });
    expect(total(f)).toBe(7);
  });

  it('decodes pre-1.0 JSON instrumentationLibraryMetrics, and counts pre-0.9 intSum points as dropped (legacy_otlp), never silently', async () => {
    const { c, f } = start();
    const point = { startTimeUnixNano: String(NS(T0 + 1)), timeUnixNano: String(NS(T0 + 500)) };
    const body = {
      resourceMetrics: [{
        resource: { attributes: [{ key: 'service.version', value: { stringValue: '1.0.0' } }] },
        instrumentationLibraryMetrics: [{
          instrumentationLibrary: { name: 'old' },
          metrics: [
            { name: 'lunadefend.tokenize.success', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ ...point, asInt: '4' }] } },
            { name: 'lunadefend.tokenize.failure', intSum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ ...point, value: '3' }, { ...point, value: '9' }] } },
          ],
        }],
      }],
    };
    expect(c.consume(decodeJsonMetricsRequest(JSON.stringify(body)))).toMatchObject({ kind: 'accepted', rejectedDataPoints: 0 });
    expect(total(f)).toBe(4);
    expect(await c.metrics.registry.getSingleMetricAsString('lunadefend_collector_points_dropped_total')).toMatch(/reason="legacy_otlp"} 2$/m);
  });
});
