import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeJsonMetricsRequest } from '../otlp/decode-json.js';
import { previewReports } from '../window/report-preview.js';
import type { Fixture } from '../testing/collector-fixture.js';
import { single } from '../testing/model-builders.js';
import { useTestCollectors } from '../testing/test-collectors.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const collectors = useTestCollectors();
const start = () => collectors.make({ atMs: T0, env: { LUNADEFEND_TELEMETRY: 'local' } });

const counted = (f: Fixture) =>
  previewReports(f.config).open.reduce((sum, body) => sum + Object.values((JSON.parse(body) as { metrics: Record<string, number> }).metrics).reduce((a, b) => a + b, 0), 0);

describe('the data model on repeated points', () => {
  it('counts 0 for 456 → 400 → 456 at the same start and time on a stream started before the epoch, and counts the conflict', async () => {
    const { clock, c, f } = start();
    const startMs = Date.UTC(2020, 0, 1);
    for (const value of [456, 400, 456]) {
      clock.advance(1000);
      expect(c.consume(single({ value, startMs, timeMs: T0 + 500 }))).toMatchObject({ kind: 'accepted', rejectedDataPoints: 0 });
    }
    expect(counted(f)).toBe(0);
    expect(await c.metrics.registry.getSingleMetricAsString('lunadefend_collector_points_dropped_total')).toMatch(/reason="conflict"} 1$/m);
  });

  it("counts what the data model says for the OTLP specification's file-exporter example: nothing new, three conflicts", async () => {
    const { clock, c, f } = start();
    // The example's metric renamed to a catalog counter, its resource given a version: nothing else changed.
    const lines = readFileSync(new URL('./testdata/spec-file-exporter-metrics.jsonl', import.meta.url), 'utf8').trim().split('\n');
    for (const line of lines) {
      const text = line
        .replaceAll('"counter-int"', '"lunadefend.tokenize.success"')
        .replace('"attributes":[{"key":"resource-attr"', '"attributes":[{"key":"service.version","value":{"stringValue":"1.0.0"}},{"key":"resource-attr"');
      clock.advance(1000);
      expect(c.consume(decodeJsonMetricsRequest(text))).toMatchObject({ kind: 'accepted', rejectedDataPoints: 0 });
    }
    // Every stream began before the state existed, or at its own time (a reset at an unknown
    // instant): baselines. The repeated label-1 points with another value at the same start and
    // time are conflicts, not resets (taken as resets they counted 128).
    expect(counted(f)).toBe(0);
    expect(await c.metrics.registry.getSingleMetricAsString('lunadefend_collector_points_dropped_total')).toMatch(/reason="conflict"} 3$/m);
  });
});
