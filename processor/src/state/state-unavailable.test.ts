import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollector, type Collector } from '../collector.js';
import { captureLogger, makeFixture, type Fixture } from '../testing/collector-fixture.js';
import { getText, otlpJson, postOtlp } from '../testing/otlp-http.js';
import { previewReports } from '../window/report-preview.js';
import { STATE_FILE_NAME } from './state-store.js';

let fixture: Fixture | undefined;
let collector: Collector | undefined;
const scratch: Fixture[] = [];
afterEach(async () => {
  await collector?.shutdown();
  fixture?.cleanup();
  for (const f of scratch.splice(0)) f.cleanup();
  collector = undefined;
  fixture = undefined;
});

/** A scratch directory removed after the test. */
function scratchDir(): string {
  const f = makeFixture();
  scratch.push(f);
  return f.dir;
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

async function startWith(stateDirectory: (dir: string) => string) {
  fixture = makeFixture({ stateDirectory: stateDirectory(scratchDir()) });
  const log = captureLogger();
  collector = createCollector(fixture.config, { env: { LUNADEFEND_TELEMETRY: 'local' }, logger: log.logger, schedule: false });
  await collector.start();
  return { c: collector, f: fixture, log };
}

describe('state that cannot be written', () => {
  it('answers 503 + Retry-After while the state directory cannot be created, then recovers without a restart', async () => {
    const blocker = join(scratchDir(), 'blocked');
    writeFileSync(blocker, 'a file where the state directory should be');
    const { c, f, log } = await startWith(() => join(blocker, 'state'));
    // Delta points: a cumulative stream that began before the state existed would be a baseline.
    const start = nowNs();
    const refused = await postOtlp(c.otlpAddress().port, otlpJson({ value: 5, startNs: start, timeNs: start + 1n, temporality: 1 }));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await getText(c.healthAddress().port, '/')).status).toBe(503);
    const errorLines = log.lines.filter((l) => l.includes('cannot be written'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain('STATE_UNAVAILABLE');

    rmSync(blocker);
    mkdirSync(blocker);
    const ok = await postOtlp(c.otlpAddress().port, otlpJson({ value: 7, startNs: start + 1n, timeNs: start + 2n, temporality: 1 }));
    expect(ok.status).toBe(200);
    expect((await getText(c.healthAddress().port, '/')).status).toBe(200);
    expect(log.lines.some((l) => l.includes('writable again'))).toBe(true);
    const [open] = previewReports(f.config).open;
    expect(JSON.parse(open ?? '{}')).toMatchObject({ metrics: { tokenizeSuccess: 7 } }); // nothing of the refused request was kept
    expect(await c.metrics.registry.getSingleMetricAsString('lunadefend_collector_requests_refused_total')).toContain('reason="unavailable"} 1');
  });

  it('answers 503 while the disk is full (writes fail with ENOSPC), then recovers when space returns', async () => {
    const { c, f, log } = await startWith((dir) => join(dir, 'state-full'));
    // The state file exists (opened at start-up); its write-ahead log now lands on a full device.
    await c.shutdown();
    const wal = join(f.stateDirectory, `${STATE_FILE_NAME}-wal`);
    rmSync(wal, { force: true });
    symlinkSync('/dev/full', wal);
    collector = createCollector(f.config, { env: { LUNADEFEND_TELEMETRY: 'local' }, logger: log.logger, schedule: false });
    await collector.start();
    const start = nowNs();
    const refused = await postOtlp(collector.otlpAddress().port, otlpJson({ value: 5, startNs: start, timeNs: start + 1n }));
    expect(refused.status).toBe(503);
    expect(log.lines.some((l) => l.includes('cannot be written'))).toBe(true);
    rmSync(wal);
    const ok = await postOtlp(collector.otlpAddress().port, otlpJson({ value: 9, startNs: start, timeNs: start + 2n }));
    expect(ok.status).toBe(200);
    expect(JSON.parse(previewReports(f.config).open[0] ?? '{}')).toMatchObject({ metrics: { tokenizeSuccess: 9 } });
  });
});
