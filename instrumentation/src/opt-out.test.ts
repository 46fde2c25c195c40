// Opt-out is proven from outside: a real process with telemetry switched off is pointed at a
// listening socket that counts connections, adds, waits several export intervals and ends on
// its own (no shutdown()). A control run with telemetry on shows the same setup does connect.

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanEnv, startOtlpCapture, type OtlpCapture } from '@lunadefend/testkit';
import { METRICS_DIST_URL, runScript } from './testing/child-process.js';

const script = `
import { startMetrics } from ${JSON.stringify(METRICS_DIST_URL)};
const metrics = startMetrics({ serviceVersion: '1.4.2', stackId: '3d9c49ce-8367-43ec-8884-568c8d43faec' });
for (let i = 0; i < 1000; i++) metrics.add('lunadefend.tokenize.success');
// Many export intervals pass while the event loop is kept busy by this timer only: at least
// 1.5 s, and when on until an export was answered (the SDK loads after start-up, which a busy
// machine makes slow), at most 30 s.
const started = Date.now();
const timer = setInterval(() => {
  const waited = Date.now() - started;
  if (waited < 1500) return;
  if (metrics.mode !== 'off' && metrics.exportOutcomes().succeeded === 0 && waited < 30_000) return;
  clearInterval(timer);
  console.log(JSON.stringify({ mode: metrics.mode, decidedBy: metrics.decidedBy }));
}, 50);
`;

describe('opting out, seen from a real process', () => {
  let capture: OtlpCapture;
  beforeAll(() => {
    if (!existsSync(fileURLToPath(METRICS_DIST_URL))) throw new Error('build first: npx tsc -b instrumentation');
  });
  beforeEach(async () => { capture = await startOtlpCapture(); });
  afterEach(async () => { await capture.close(); });

  const run = (vars: Record<string, string>) =>
    runScript(script, cleanEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: capture.url, OTEL_METRIC_EXPORT_INTERVAL: '50', ...vars }));

  it('connects when telemetry is on (control: the socket does see exports)', async () => {
    const result = await run({});
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ mode: 'on', decidedBy: 'default' });
    expect(capture.connections()).toBeGreaterThan(0);
    expect(capture.requests.length).toBeGreaterThan(0);
  });

  it.each([
    ['LUNADEFEND_TELEMETRY=off', { LUNADEFEND_TELEMETRY: 'off' }, 'LUNADEFEND_TELEMETRY'],
    ['LUNADEFEND_TELEMETRY=of (a typo)', { LUNADEFEND_TELEMETRY: 'of' }, 'LUNADEFEND_TELEMETRY'],
    ['DO_NOT_TRACK=1', { DO_NOT_TRACK: '1' }, 'DO_NOT_TRACK'],
    ['OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true' }, 'OTEL_SDK_DISABLED'],
    ['OTEL_METRICS_EXPORTER=none', { OTEL_METRICS_EXPORTER: 'none' }, 'OTEL_METRICS_EXPORTER'],
    ['DO_NOT_TRACK=1 beating LUNADEFEND_TELEMETRY=on', { LUNADEFEND_TELEMETRY: 'on', DO_NOT_TRACK: '1' }, 'DO_NOT_TRACK'],
  ])('%s: never attempts a connection and the process exits without shutdown()', async (_label, vars, decidedBy) => {
    const result = await run(vars);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ mode: 'off', decidedBy });
    expect(capture.connections()).toBe(0);
    expect(capture.requests).toHaveLength(0);
  });

  it('warns once about a typo, naming the variable', async () => {
    const result = await run({ LUNADEFEND_TELEMETRY: 'of' });
    const warnings = result.stderr.split('\n').filter((line) => line.includes('LUNADEFEND_TELEMETRY'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^lunadefend-metrics: LUNADEFEND_TELEMETRY="of" is not recognised/);
  });
});
