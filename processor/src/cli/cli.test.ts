import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '@lunadefend/testkit';
import { startCaptureReceiver, type CaptureReceiver } from '../testing/capture-receiver.js';
import { fixtureYaml, makeFixture, type Fixture } from '../testing/collector-fixture.js';
import { runCli, spawnCollector, useCollectorProcesses } from '../testing/collector-process.js';
import { otlpJson, postOtlp } from '../testing/otlp-http.js';

let fixture: Fixture | undefined;
let receiver: CaptureReceiver | undefined;

useCollectorProcesses(async () => {
  await receiver?.close();
  fixture?.cleanup();
  [receiver, fixture] = [undefined, undefined];
});

const until = (what: string, fn: () => boolean) => waitUntil(what, fn, { timeoutMs: 20_000, intervalMs: 50 });

describe('lunadefend-collector validate', () => {
  it('accepts a good configuration (exit 0)', () => {
    fixture = makeFixture();
    const result = runCli(['validate', '--config', fixture.configPath]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('is valid');
  });

  it.each([
    ['an unknown key', (y: string) => y.replace('max_streams:', 'max_stream:'), 'processors.lunadefend_aggregate.max_stream'],
    ['a bad value', (y: string) => y.replace(/window: \S+/, 'window: 10ms'), 'processors.lunadefend_aggregate.window'],
    ['a pipeline reference to nothing', (y: string) => `${y}  pipelines:\n    metrics: { processors: [batch] }\n`, 'service.pipelines.metrics.processors'],
    ['a pipeline without the aggregation processor', (y: string) => `${y}  pipelines:\n    metrics: { processors: [] }\n`, 'service.pipelines.metrics.processors'],
  ])('rejects %s, naming the key (exit 1)', (_what, edit, key) => {
    fixture = makeFixture();
    const bad = join(fixture.dir, 'bad.yaml');
    writeFileSync(bad, edit(fixtureYaml(fixture.dir)));
    const result = runCli(['validate', '--config', bad]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(key);
  });

  it.each([
    ['7h', 'processors.lunadefend_aggregate.window: 7h must divide 24h evenly'],
    ['36h', 'processors.lunadefend_aggregate.window: 36h must divide 24h evenly'],
  ])('rejects a %s window, which the receiver would refuse, exactly as run does', (window, message) => {
    fixture = makeFixture();
    const bad = join(fixture.dir, 'bad.yaml');
    writeFileSync(bad, fixtureYaml(fixture.dir).replace(/window: \S+/, `window: ${window}`));
    const validate = runCli(['validate', '--config', bad]);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain(message);
    expect(validate.stdout).toContain('key: processors.lunadefend_aggregate.window');
    const run = runCli(['run', '--config', bad], { LUNADEFEND_TELEMETRY: 'local' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
  });

  it('rejects a LUNADEFEND_STACK_ID that is not a UUID v4, naming the variable and the value, exactly as run does', () => {
    fixture = makeFixture();
    const env = { LUNADEFEND_STACK_ID: 'not-a-uuid', LUNADEFEND_TELEMETRY: 'local' };
    const validate = runCli(['validate', '--config', fixture.configPath], env);
    expect(validate.status).toBe(1);
    expect(validate.stdout).toContain('LUNADEFEND_STACK_ID: "not-a-uuid" is not a UUID v4');
    expect(validate.stdout).toContain('key: LUNADEFEND_STACK_ID');
    const run = runCli(['run', '--config', fixture.configPath], env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('LUNADEFEND_STACK_ID: "not-a-uuid" is not a UUID v4');
    expect(runCli(['validate', '--config', fixture.configPath], { LUNADEFEND_STACK_ID: '6F1C2B9E-3D4A-4B5C-8D7E-9F0A1B2C3D4E' }).status).toBe(0);
  });

  it('fails on a missing file and on unknown arguments', () => {
    expect(runCli(['validate', '--config', '/nonexistent/otel-collector.yaml']).status).toBe(1);
    expect(runCli(['frobnicate']).status).toBe(2);
    expect(runCli(['redeliver']).status).toBe(2);
    expect(runCli(['ledger', '--since', 'yesterday']).status).toBe(2);
  });
});

describe('lunadefend-collector status', () => {
  it.each([
    [{ LUNADEFEND_TELEMETRY: 'local' }, 'local (decided by LUNADEFEND_TELEMETRY)'],
    [{ LUNADEFEND_TELEMETRY: 'on', DO_NOT_TRACK: '1' }, 'off (decided by DO_NOT_TRACK)'],
    [{ LUNADEFEND_TELEMETRY: 'yes' }, 'off (decided by LUNADEFEND_TELEMETRY)'],
    [{}, 'on (decided by default)'],
  ])('names the mode and the variable that decided it (%o)', (env, expected) => {
    fixture = makeFixture();
    const result = runCli(['status', '--config', fixture.configPath], env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`mode:            ${expected}`);
    expect(result.stdout).toContain('endpoint:        http://127.0.0.1:9/v1/reports');
    expect(result.stdout).toContain('outbox depth:    0');
  });
});

describe('lunadefend-collector run + preview', () => {
  it('previews, byte for byte, what a later send delivers — from the open window and from the outbox', async () => {
    receiver = await startCaptureReceiver();
    // A whole-send deadline well above a loaded machine's answer time: a timed-out 202 would be resent as a duplicate.
    // A 6 s window leaves the first preview (one CLI start-up) most of a window to finish in before
    // the seal, even on a busy machine.
    fixture = makeFixture({ endpoint: receiver.url(), window: '6s', sendJitter: '0s', initialInterval: '500ms', maxInterval: '1s', timeout: '10s' });
    let refuse = true;
    receiver.respond(() => (refuse ? { status: 503 } : undefined));
    const proc = spawnCollector(['run', '--config', fixture.configPath], {});
    const port = await proc.listening;
    // Post right after a window boundary so the preview and the post share one window.
    await until('a fresh window', () => Date.now() % 6000 < 300);
    const startNs = BigInt(Date.now()) * 1_000_000n;
    expect((await postOtlp(port, otlpJson({ value: 6, startNs, timeNs: startNs + 1000n }))).status).toBe(200);
    const openPreview = runCli(['preview', '--config', fixture.configPath]);
    expect(openPreview.status).toBe(0);
    const openLines = openPreview.stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(openLines).toHaveLength(1);

    // The seal puts the report in the outbox; the receiver refuses it for now.
    await until('a refused send', () => receiver?.requests.length === 1);
    const outboxPreview = runCli(['preview', '--config', fixture.configPath]);
    const outboxLines = outboxPreview.stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(outboxPreview.stdout).toContain('# outbox: 1 report(s)');
    refuse = false;
    await until('a delivery', () => receiver?.accepted.size === 1);
    const delivered = receiver.requests.at(-1)?.body.toString('utf8');
    expect(delivered).toBe(openLines[0]);
    expect(outboxLines).toEqual([delivered]);
    expect(JSON.parse(delivered ?? '{}')).toMatchObject({ metrics: { tokenizeSuccess: 6 } });

    const status = runCli(['status', '--config', fixture.configPath]);
    expect(status.stdout).toContain('last send:       accepted (HTTP 202)');
    expect(status.stdout).toMatch(/last started: {4}\S+ in mode on \(decided by default\)\n/);
    const elsewhere = runCli(['status', '--config', fixture.configPath], { LUNADEFEND_TELEMETRY: 'off' });
    expect(elsewhere.stdout).toContain('mode:            off (decided by LUNADEFEND_TELEMETRY)');
    expect(elsewhere.stdout).toContain('differs from this environment');

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.lines.some((l) => l.includes('"collector: stopped"'))).toBe(true);
    // Up to a window waiting for a fresh one, a window until the seal, then CLI start-ups: looser
    // than the suite's default hang guard.
  }, 90_000);
});
