import { readFileSync } from 'node:fs';
import { METRIC_NAMES } from '@lunadefend/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMetrics, type Metrics, type StartMetricsOptions } from './start-metrics.js';
import { resourceAttributesOf, startOtlpCapture, totalsOf, type OtlpCapture } from '@lunadefend/testkit';
import { PACKAGE_VERSION } from './version.js';

const STACK_ID = '3d9c49ce-8367-43ec-8884-568c8d43faec';
const CUMULATIVE = 2;

describe('startMetrics exporting to a real OTLP/HTTP endpoint', () => {
  let capture: OtlpCapture;
  let started: Metrics[];
  let logs: { warn: string[]; debug: string[] };

  beforeEach(async () => {
    capture = await startOtlpCapture();
    started = [];
    logs = { warn: [], debug: [] };
  });
  afterEach(async () => {
    await Promise.all(started.map((m) => m.shutdown()));
    await capture.close();
  });

  function start(env: NodeJS.ProcessEnv = {}, options: Partial<StartMetricsOptions> = {}): Metrics {
    const metrics = startMetrics({
      serviceVersion: '1.4.2',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: capture.url, OTEL_METRIC_EXPORT_INTERVAL: '600000', ...env },
      logger: { warn: (m) => logs.warn.push(m), debug: (m) => logs.debug.push(m) },
      ...options,
    });
    started.push(metrics);
    return metrics;
  }

  it('sends exactly the catalog metrics, cumulative, with the right values and only version and stack id', async () => {
    const metrics = start({}, { stackId: STACK_ID });
    metrics.add('lunadefend.tokenize.success');
    metrics.add('lunadefend.tokenize.success', 3);
    metrics.add('lunadefend.detokenize.failure');
    metrics.add('lunadefend.grant.create.success', 2);
    await metrics.flush();

    const request = await capture.nextRequest(0);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/metrics');
    expect(request.contentType).toBe('application/json');
    const { body } = request;
    expect(body.resourceMetrics).toHaveLength(1);
    expect(resourceAttributesOf(body)).toEqual({ 'service.version': '1.4.2', 'lunadefend.stack_id': STACK_ID });

    const metricsSent = body.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    expect(metricsSent.map((m) => m.name).sort()).toEqual([...METRIC_NAMES].sort());
    for (const metric of metricsSent) {
      expect(metric.sum?.aggregationTemporality).toBe(CUMULATIVE);
      expect(metric.sum?.isMonotonic).toBe(true);
      expect(metric.sum?.dataPoints).toHaveLength(1);
      expect(metric.sum?.dataPoints[0]?.attributes ?? []).toEqual([]);
      expect(Number.isInteger(Number(metric.sum?.dataPoints[0]?.asInt))).toBe(true);
    }
    expect(totalsOf(body)).toEqual({
      'lunadefend.tokenize.success': 4,
      'lunadefend.tokenize.failure': 0,
      'lunadefend.detokenize.success': 0,
      'lunadefend.detokenize.failure': 1,
      'lunadefend.grant.create.success': 2,
      'lunadefend.grant.create.failure': 0,
    });
  });

  it('keeps totals cumulative across exports, from one start time', async () => {
    const metrics = start({}, { stackId: STACK_ID });
    metrics.add('lunadefend.tokenize.success', 2);
    await metrics.flush();
    metrics.add('lunadefend.tokenize.success', 5);
    await metrics.shutdown();
    const [first, second] = [await capture.nextRequest(0), await capture.nextRequest(1)];
    expect(totalsOf(first.body)['lunadefend.tokenize.success']).toBe(2);
    expect(totalsOf(second.body)['lunadefend.tokenize.success']).toBe(7);
    const startOf = (body: typeof first.body): string | undefined =>
      body.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.sum?.dataPoints[0]?.startTimeUnixNano;
    expect(startOf(second.body)).toBe(startOf(first.body));
  });

  it('starts every point when counting began, so the first export is not mistaken for a reset', async () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const metrics = start({}, { stackId: STACK_ID });
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    metrics.add('lunadefend.tokenize.success', 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await metrics.flush();
    const { body } = await capture.nextRequest(0);
    const points = body.resourceMetrics[0]?.scopeMetrics[0]?.metrics.flatMap((m) => m.sum?.dataPoints ?? []) ?? [];
    expect(points).toHaveLength(6);
    for (const point of points) {
      const startNs = BigInt(point.startTimeUnixNano);
      // A point whose start equals its time is a reset at an unknown instant (OTLP data model).
      expect(startNs < BigInt(point.timeUnixNano)).toBe(true);
      // hrTime() and Date.now() may differ by a millisecond or so; the start is the start-up instant.
      expect(startNs >= before - 5_000_000n && startNs <= after + 5_000_000n).toBe(true);
    }
  });

  it('reuses one kept-alive connection without piling listeners on it', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => { warnings.push(warning); };
    process.on('warning', onWarning);
    try {
      const metrics = start({}, { stackId: STACK_ID });
      for (let i = 0; i < 15; i++) {
        metrics.add('lunadefend.tokenize.success');
        await metrics.flush();
      }
      for (let i = 0; i < 15; i++) expect(totalsOf((await capture.nextRequest(i)).body)['lunadefend.tokenize.success']).toBe(i + 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('takes the stack id from LUNADEFEND_STACK_ID, and omits it when neither is set', async () => {
    const fromEnv = start({ LUNADEFEND_STACK_ID: STACK_ID });
    await fromEnv.flush();
    expect(resourceAttributesOf((await capture.nextRequest(0)).body)).toEqual({ 'service.version': '1.4.2', 'lunadefend.stack_id': STACK_ID });
    const without = start();
    await without.flush();
    expect(resourceAttributesOf((await capture.nextRequest(1)).body)).toEqual({ 'service.version': '1.4.2' });
  });

  it('exports in local mode exactly like on (the collector keeps local data in)', async () => {
    const metrics = start({ LUNADEFEND_TELEMETRY: 'local' });
    expect(metrics.mode).toBe('local');
    metrics.add('lunadefend.grant.create.failure');
    await metrics.flush();
    expect(totalsOf((await capture.nextRequest(0)).body)['lunadefend.grant.create.failure']).toBe(1);
  });

  it('uses OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as given', async () => {
    const metrics = start({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${capture.url}/custom/path` });
    expect(metrics.endpoint).toBe(`${capture.url}/custom/path`);
    await metrics.flush();
    expect((await capture.nextRequest(0)).path).toBe('/custom/path');
  });

  it('sends OTEL_EXPORTER_OTLP_HEADERS and gzips with OTEL_EXPORTER_OTLP_COMPRESSION, as the OTel exporter does', async () => {
    const saved = { headers: process.env.OTEL_EXPORTER_OTLP_HEADERS, compression: process.env.OTEL_EXPORTER_OTLP_COMPRESSION };
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-deployment-key=abc123';
    process.env.OTEL_EXPORTER_OTLP_COMPRESSION = 'gzip';
    try {
      const metrics = start();
      metrics.add('lunadefend.tokenize.failure', 2);
      await metrics.flush();
    } finally {
      for (const [key, value] of [['OTEL_EXPORTER_OTLP_HEADERS', saved.headers], ['OTEL_EXPORTER_OTLP_COMPRESSION', saved.compression]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    const request = await capture.nextRequest(0);
    expect(request.headers).toMatchObject({ 'x-deployment-key': 'abc123', 'content-encoding': 'gzip', 'content-type': 'application/json' });
    expect(totalsOf(request.body)['lunadefend.tokenize.failure']).toBe(2);
  });

  it('exports on its own every OTEL_METRIC_EXPORT_INTERVAL', async () => {
    const metrics = start({ OTEL_METRIC_EXPORT_INTERVAL: '100' });
    metrics.add('lunadefend.detokenize.success');
    const request = await capture.nextRequest(0, 5000);
    expect(totalsOf(request.body)['lunadefend.detokenize.success']).toBe(1);
  });

  it('ignores and counts bad calls without sending anything for them', async () => {
    const metrics = start();
    const add = metrics.add as (name: string, value?: number) => void;
    add('lunadefend.tokenize.sucess');
    add('lunadefend.tokenize.success', -3);
    add('lunadefend.tokenize.success', Number.NaN);
    metrics.add('lunadefend.tokenize.success');
    expect(metrics.ignoredCalls()).toBe(3);
    await metrics.flush();
    const totals = totalsOf((await capture.nextRequest(0)).body);
    expect(totals['lunadefend.tokenize.success']).toBe(1);
    expect(Object.keys(totals).sort()).toEqual([...METRIC_NAMES].sort());
    expect(logs.debug.filter((l) => l.startsWith('add() ignored'))).toHaveLength(1);
  });

  it('makes shutdown idempotent and flush after shutdown a no-op', async () => {
    const metrics = start();
    metrics.add('lunadefend.tokenize.success');
    await Promise.all([metrics.shutdown(), metrics.shutdown()]);
    await metrics.shutdown();
    await metrics.flush();
    expect(capture.requests).toHaveLength(1);
    expect(metrics.exportOutcomes()).toEqual({ succeeded: 1, failed: 0 });
  });

  it('builds nothing in mode off: no endpoint, flush and shutdown resolve at once', async () => {
    const metrics = start({ LUNADEFEND_TELEMETRY: 'off' });
    expect(metrics).toMatchObject({ mode: 'off', decidedBy: 'LUNADEFEND_TELEMETRY', endpoint: undefined });
    metrics.add('lunadefend.tokenize.success');
    await metrics.flush();
    await metrics.shutdown();
    expect(capture.connections()).toBe(0);
  });

  it('prints the mode decision warnings, naming the variable but no metric value', () => {
    const metrics = start({ LUNADEFEND_TELEMETRY: 'of' });
    expect(metrics.mode).toBe('off');
    expect(logs.warn).toHaveLength(1);
    expect(logs.warn[0]).toMatch(/^LUNADEFEND_TELEMETRY=/);
  });

  it('refuses to start without a service version', () => {
    expect(() => startMetrics({ serviceVersion: '' })).toThrow(/serviceVersion/);
    expect(() => startMetrics({} as StartMetricsOptions)).toThrow(/serviceVersion/);
  });

  it('reports its own version as in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(PACKAGE_VERSION).toBe(pkg.version);
  });
});
