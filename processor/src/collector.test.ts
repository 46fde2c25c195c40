import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { previewReports } from './window/report-preview.js';
import { readCollectorState } from './state/state-reader.js';
import { openStateStore } from './state/state-store.js';
import { getText, otlpJson, postOtlp } from './testing/otlp-http.js';
import { useTestCollectors } from './testing/test-collectors.js';

const T0 = Date.UTC(2026, 10, 24, 9);
const DAY = 86_400_000;
const collectors = useTestCollectors();
const LOCAL = { LUNADEFEND_TELEMETRY: 'local' };

async function run(env: NodeJS.ProcessEnv) {
  const r = await collectors.receiver();
  const { c, f, clock } = await collectors.start({ atMs: T0, endpoint: r.url(), env });
  const body = otlpJson({ value: 5, startNs: BigInt(T0) * 1_000_000n, timeNs: BigInt(T0 + 1) * 1_000_000n });
  const response = await postOtlp(c.otlpAddress().port, body);
  clock.set(T0 + DAY);
  await c.tick();
  return { response, c, f, r };
}

describe('telemetry modes', () => {
  it('off: answers OTLP, writes no state and never connects to the endpoint', async () => {
    const { response, c, f, r } = await run({ LUNADEFEND_TELEMETRY: 'on', DO_NOT_TRACK: '1' });
    expect(c.mode).toBe('off');
    expect(c.modeDecidedBy).toBe('DO_NOT_TRACK');
    expect(response.status).toBe(200);
    expect(existsSync(f.stateDirectory)).toBe(false);
    const health = await getText(c.healthAddress().port, '/');
    expect(health.status).toBe(200);
    await c.shutdown();
    expect(existsSync(f.stateDirectory)).toBe(false);
    expect(r.connections()).toBe(0);
    expect(await c.metrics.registry.getSingleMetricAsString('lunadefend_collector_points_dropped_total')).toContain('reason="telemetry_off"} 1');
  });

  it('local: aggregates, seals and writes the report to the ledger, and never connects', async () => {
    const { response, c, f, r } = await run({ LUNADEFEND_TELEMETRY: 'local' });
    expect(c.mode).toBe('local');
    expect(response.status).toBe(200);
    await c.shutdown();
    const store = openStateStore({ directory: f.stateDirectory, readonly: true });
    const ledger = store.ledger.list();
    store.close();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]?.outcome).toBe('local');
    expect(JSON.parse(ledger[0]?.body ?? '{}')).toMatchObject({ version: '1.4.2', metrics: { tokenizeSuccess: 5 } });
    expect(readCollectorState(f.stateDirectory).outbox).toHaveLength(0);
    expect(r.connections()).toBe(0);
  });

  it('on (the default): sends the report to the endpoint', async () => {
    const { response, c, f, r } = await run({});
    expect(c.mode).toBe('on');
    expect(c.modeDecidedBy).toBe('default');
    expect(response.status).toBe(200);
    expect(r.requests).toHaveLength(1);
    expect(JSON.parse(r.requests[0]?.body.toString('utf8') ?? '{}')).toMatchObject({ metrics: { tokenizeSuccess: 5 } });
    expect(previewReports(f.config)).toEqual({ open: [], outbox: [] });
  });
});

describe('own telemetry', () => {
  it('serves Prometheus counters by reason and a health check', async () => {
    const { c } = await run({ LUNADEFEND_TELEMETRY: 'local' });
    const port = c.otlpAddress().port;
    await postOtlp(port, otlpJson({ value: 1, startNs: 1n, timeNs: 2n, version: 'not-semver' }));
    await postOtlp(port, '{', 'application/json');
    await postOtlp(port, 'x', 'text/plain');
    const metrics = await getText(c.metricsAddress().port, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('lunadefend_collector_points_accepted_total 1');
    expect(metrics.body).toContain('lunadefend_collector_points_rejected_total{reason="invalid_version"} 1');
    expect(metrics.body).toContain('lunadefend_collector_requests_refused_total{reason="malformed"} 1');
    expect(metrics.body).toContain('lunadefend_collector_requests_refused_total{reason="unsupported_media_type"} 1');
    expect(metrics.body).toContain('lunadefend_collector_reports_delivered_total{outcome="local"} 1');
    expect(metrics.body).toMatch(/lunadefend_collector_outbox_depth 0/);
    expect(metrics.body).toMatch(/lunadefend_collector_state_writable 1/);
    const health = await getText(c.healthAddress().port, '/');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', mode: 'local' });
  });
});

describe('lifecycle', () => {
  it('shutdown is safe without start and idempotent; the open window survives a restart unsealed', async () => {
    const idle = collectors.make({ atMs: T0, env: LOCAL });
    await idle.c.shutdown();
    await idle.c.shutdown();
    const f = idle.f;

    const first = await collectors.start({ atMs: T0, env: LOCAL, fixture: f });
    const body = otlpJson({ value: 3, startNs: BigInt(T0) * 1_000_000n, timeNs: BigInt(T0 + 1) * 1_000_000n });
    expect((await postOtlp(first.c.otlpAddress().port, body)).status).toBe(200);
    await Promise.all([first.c.shutdown(), first.c.shutdown()]);
    expect(previewReports(f.config)).toMatchObject({ outbox: [] }); // nothing sealed early
    expect(previewReports(f.config).open).toHaveLength(1);
    const later = collectors.make({ atMs: T0 + DAY, env: LOCAL, fixture: f });
    expect(later.c.sealDue()).toBe(1);
  });
});
