// Conformance with the real OpenTelemetry JS exporters: JSON from exporter-metrics-otlp-http and
// protobuf from exporter-metrics-otlp-proto, driven by a real MeterProvider, sent to the intake.

import { AggregationTemporalityPreference, OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsConsumer } from '../component.js';
import type { IntakeRefusal } from '../model/reasons.js';
import { createOtlpHttpIntake, type OtlpHttpIntake } from './http-intake.js';
import type { AnyValue, KeyValue, Metric, MetricsRequest } from '../model/metrics-request.js';

const STACK_ID = '3d9c49ce-8367-43ec-8884-568c8d43faec';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startIntake(): Promise<{ intake: OtlpHttpIntake; requests: MetricsRequest[]; refusals: IntakeRefusal[]; url: string }> {
  const requests: MetricsRequest[] = [];
  const refusals: IntakeRefusal[] = [];
  const consumer: MetricsConsumer = {
    consumeBatch: (batch) =>
      batch.map((request) => {
        requests.push(request);
        return { kind: 'accepted', rejectedDataPoints: 0, errorMessage: '' };
      }),
  };
  const intake = createOtlpHttpIntake({
    endpoint: '127.0.0.1:0',
    maxRequestBodyBytes: 8 * 1024 * 1024,
    consumer,
    observer: { requestRefused: (reason) => refusals.push(reason) },
    logger: pino({ level: 'silent' }),
  });
  await intake.start();
  cleanups.push(() => intake.shutdown());
  return { intake, requests, refusals, url: `http://127.0.0.1:${intake.address().port}/v1/metrics` };
}

function startMeter(exporter: PushMetricExporter) {
  // A long interval: exports happen only when the test flushes.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.version': '1.4.2', 'lunadefend.stack_id': STACK_ID }),
    readers: [reader],
  });
  cleanups.push(() => provider.shutdown());
  return { provider, meter: provider.getMeter('lunadefend', '0.1.0') };
}

const attr = (attributes: readonly KeyValue[], key: string): AnyValue | undefined => attributes.find((kv) => kv.key === key)?.value;
const metricsOf = (request: MetricsRequest | undefined): readonly Metric[] =>
  request?.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)) ?? [];

function sumPoints(request: MetricsRequest | undefined, name: string) {
  const data = metricsOf(request).find((m) => m.name === name)?.data;
  if (data?.kind !== 'sum') throw new Error(`${name} is not a sum`);
  return data;
}

describe('intake conformance with the real OpenTelemetry JS exporters', () => {
  it('decodes JSON from exporter-metrics-otlp-http: names, values, cumulative temporality, attributes', async () => {
    const { requests, refusals, url } = await startIntake();
    const { provider, meter } = startMeter(new JsonExporter({ url, temporalityPreference: AggregationTemporalityPreference.CUMULATIVE }));
    const counter = meter.createCounter('lunadefend.tokenize.success', { description: 'CANARY-description', unit: 'CANARY-unit' });
    counter.add(3, { outcome: 'ok', shard: 7 });
    counter.add(2, { outcome: 'fail', shard: 7 });
    await provider.forceFlush();
    counter.add(1, { outcome: 'ok', shard: 7 });
    await provider.forceFlush();

    expect(refusals).toEqual([]);
    expect(requests).toHaveLength(2);
    const resource = requests[0]?.resourceMetrics[0]?.resourceAttributes ?? [];
    expect(attr(resource, 'service.version')).toEqual({ kind: 'string', value: '1.4.2' });
    expect(attr(resource, 'lunadefend.stack_id')).toEqual({ kind: 'string', value: STACK_ID });
    expect(requests[0]?.resourceMetrics[0]?.scopeMetrics[0]?.scope).toMatchObject({ name: 'lunadefend', version: '0.1.0' });

    const first = sumPoints(requests[0], 'lunadefend.tokenize.success');
    expect(first).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
    const byOutcome = (points: typeof first.dataPoints, outcome: string) =>
      points.find((p) => (attr(p.attributes, 'outcome') as { value?: unknown } | undefined)?.value === outcome);
    expect(byOutcome(first.dataPoints, 'ok')?.value).toBe(3);
    expect(byOutcome(first.dataPoints, 'fail')?.value).toBe(2);
    expect(attr(byOutcome(first.dataPoints, 'ok')?.attributes ?? [], 'shard')).toEqual({ kind: 'int', value: 7n });

    const second = sumPoints(requests[1], 'lunadefend.tokenize.success');
    const okAgain = byOutcome(second.dataPoints, 'ok');
    expect(okAgain?.value).toBe(4); // cumulative
    expect(okAgain?.startTimeUnixNano).toBe(byOutcome(first.dataPoints, 'ok')?.startTimeUnixNano);
    expect(okAgain?.timeUnixNano).toBeGreaterThan(okAgain?.startTimeUnixNano ?? 0n);
    expect(okAgain?.timeUnixNano).toBeGreaterThan(1_700_000_000_000_000_000n);
    expect(JSON.stringify(requests, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('CANARY');
  });

  it('decodes gzipped protobuf from exporter-metrics-otlp-proto: delta temporality, up-down sums, histograms', async () => {
    const { requests, refusals, url } = await startIntake();
    const exporter = new ProtoExporter({ url, compression: CompressionAlgorithm.GZIP, temporalityPreference: AggregationTemporalityPreference.DELTA });
    const { provider, meter } = startMeter(exporter);
    const counter = meter.createCounter('lunadefend.grant.create.success');
    const upDown = meter.createUpDownCounter('queue.depth');
    const histogram = meter.createHistogram('latency');
    counter.add(5, { route: 'a' });
    counter.add(0.5, { route: 'b' });
    upDown.add(-2);
    histogram.record(12);
    histogram.record(30, { route: 'a' });
    await provider.forceFlush();
    counter.add(4, { route: 'a' });
    await provider.forceFlush();

    expect(refusals).toEqual([]);
    expect(requests).toHaveLength(2);
    const first = sumPoints(requests[0], 'lunadefend.grant.create.success');
    expect(first).toMatchObject({ aggregationTemporality: 1, isMonotonic: true });
    expect(first.dataPoints.map((p) => p.value).sort()).toEqual([0.5, 5]);
    expect(sumPoints(requests[0], 'queue.depth')).toMatchObject({ isMonotonic: false, dataPoints: [expect.objectContaining({ value: -2 })] });
    expect(metricsOf(requests[0]).find((m) => m.name === 'latency')?.data).toEqual({ kind: 'histogram', dataPointCount: 2 });

    const second = sumPoints(requests[1], 'lunadefend.grant.create.success');
    expect(second.dataPoints.map((p) => p.value)).toEqual([4]); // delta
    const resource = requests[1]?.resourceMetrics[0]?.resourceAttributes ?? [];
    expect(attr(resource, 'lunadefend.stack_id')).toEqual({ kind: 'string', value: STACK_ID });
  });
});
