import { validateReport } from '@lunadefend/config';
import { describe, expect, it } from 'vitest';
import { createCollector } from '../collector.js';
import { CollectorError } from '../errors.js';
import { previewReports } from './report-preview.js';
import { readCollectorState } from '../state/state-reader.js';
import type { Fixture } from '../testing/collector-fixture.js';
import { single } from '../testing/model-builders.js';
import { useTestCollectors, type TestCollectorOptions } from '../testing/test-collectors.js';
import { effectiveJitterMs, windowOf } from './utc-window.js';

const DAY = 86_400_000;
const NOON = Date.UTC(2026, 10, 24, 12, 34, 56);
const STACK_A = '0b9f5f0e-6c1e-4f57-9a8e-2f1d8a4b7c11';
const STACK_B = '3d9c49ce-8367-43ec-8884-568c8d43faec';

const collectors = useTestCollectors();
const start = (o: Partial<TestCollectorOptions> = {}) => collectors.make({ atMs: NOON, seed: 1, ...o, env: { LUNADEFEND_TELEMETRY: 'local', ...o.env } });

type Report = { report_id: string; version: string; stack_id: string; window: { start: string; end: string }; metrics: Record<string, number> };
const outbox = (f: Fixture): Report[] => previewReports(f.config).outbox.map((b) => JSON.parse(b) as Report);

describe('UTC windows', () => {
  it('aligns windows to UTC: 24h windows run midnight to midnight', () => {
    expect(windowOf(NOON, DAY)).toEqual({ startMs: Date.UTC(2026, 10, 24), endMs: Date.UTC(2026, 10, 25) });
    expect(windowOf(Date.UTC(2026, 10, 24, 0, 0, 7, 500), 5000)).toEqual({ startMs: Date.UTC(2026, 10, 24, 0, 0, 5), endMs: Date.UTC(2026, 10, 24, 0, 0, 10) });
  });

  it('seals a window exactly at its end, not before, into one valid report per (window, stack id, version)', () => {
    const { clock, c, f } = start();
    // Streams that start at or after the state epoch (the collector's first start) count in full.
    const t = NOON;
    c.consume(single({ value: 3, startMs: t, timeMs: NOON + 1, stackId: STACK_A, version: '1.4.2' }));
    c.consume(single({ value: 2, startMs: t, timeMs: NOON + 1, stackId: STACK_A, version: '1.5.0' }));
    c.consume(single({ value: 1, startMs: t, timeMs: NOON + 1, stackId: STACK_B, version: '1.4.2', name: 'lunadefend.detokenize.failure' }));
    clock.set(Date.UTC(2026, 10, 25) - 1);
    expect(c.sealDue()).toBe(0);
    clock.set(Date.UTC(2026, 10, 25));
    c.consume(single({ value: 4, startMs: t, timeMs: NOON + 2, stackId: STACK_A, version: '1.4.2' })); // next day's window
    expect(c.sealDue()).toBe(3);
    const reports = outbox(f);
    expect(reports.map((r) => [r.stack_id, r.version, r.metrics.tokenizeSuccess, r.metrics.detokenizeFailure]).sort()).toEqual([
      [STACK_A, '1.4.2', 3, 0],
      [STACK_A, '1.5.0', 2, 0],
      [STACK_B, '1.4.2', 0, 1],
    ]);
    for (const r of reports) {
      expect(r.window).toEqual({ start: '2026-11-24T00:00:00Z', end: '2026-11-25T00:00:00Z' });
      expect(validateReport(r, DAY)).toMatchObject({ ok: true });
    }
    expect(new Set(reports.map((r) => r.report_id)).size).toBe(3);
    expect(previewReports(f.config).open).toHaveLength(1); // the new window's group stays open
  });

  it('attributes a point to the window in which it was received, whatever its timestamps', () => {
    const { clock, c, f } = start({ window: '10s' });
    clock.set(Date.UTC(2026, 10, 24, 0, 0, 3));
    c.consume(single({ value: 2, startMs: Date.UTC(2026, 10, 20), timeMs: Date.UTC(2026, 10, 20, 1), temporality: 1 }));
    clock.set(Date.UTC(2026, 10, 24, 0, 0, 10));
    c.sealDue();
    const [report] = outbox(f);
    expect(report?.window).toEqual({ start: '2026-11-24T00:00:00Z', end: '2026-11-24T00:00:10Z' });
    expect(validateReport(report, 10_000)).toMatchObject({ ok: true });
  });

  it('schedules each report at window end plus random(0, send_jitter) and sends nothing earlier', async () => {
    const { clock, c, f } = start({ sendJitter: '1h' });
    c.consume(single({ value: 1, startMs: NOON - 1, timeMs: NOON }));
    const end = Date.UTC(2026, 10, 25);
    clock.set(end);
    c.sealDue();
    const [entry] = readCollectorState(f.stateDirectory).outbox;
    expect(entry?.sendAfterMs).toBeGreaterThanOrEqual(end);
    expect(entry?.sendAfterMs).toBeLessThan(end + 3_600_000);
    clock.set((entry?.sendAfterMs ?? 0) - 1);
    expect((await c.exportDue()).delivered).toBe(0);
    clock.set(entry?.sendAfterMs ?? 0);
    expect((await c.exportDue()).delivered).toBe(1);
  });

  it('caps send jitter at half the window so short demo windows do not pile up', () => {
    expect(effectiveJitterMs(3_600_000, DAY)).toBe(3_600_000);
    expect(effectiveJitterMs(3_600_000, 2000)).toBe(1000);
    const { clock, c, f } = start({ window: '2s', sendJitter: '1h' });
    for (let i = 0; i < 5; i++) {
      c.consume(single({ value: 1, startMs: NOON - 1, timeMs: NOON + i, version: `1.0.${i}` }));
    }
    const end = windowOf(NOON, 2000).endMs;
    clock.set(end);
    c.sealDue();
    for (const e of readCollectorState(f.stateDirectory).outbox) {
      expect(e.sendAfterMs).toBeGreaterThanOrEqual(end);
      expect(e.sendAfterMs).toBeLessThan(end + 1000);
    }
  });

  it('replaces a missing stack id with one UUID v4 kept in the state file across restarts', async () => {
    const first = start();
    first.c.consume(single({ value: 1, startMs: NOON, timeMs: NOON + 1 }));
    await first.c.shutdown();
    const second = start({ atMs: NOON + 1000, fixture: first.f });
    second.c.consume(single({ value: 1, startMs: NOON - 1, timeMs: NOON + 1000, name: 'lunadefend.tokenize.failure', temporality: 1 }));
    second.clock.set(Date.UTC(2026, 10, 25));
    second.c.sealDue();
    const reports = outbox(second.f);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.stack_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reports[0]?.stack_id).toBe(readCollectorState(second.f.stateDirectory).fallbackStackId);
    expect(reports[0]?.metrics).toMatchObject({ tokenizeSuccess: 1, tokenizeFailure: 1 });
  });

  it('uses LUNADEFEND_STACK_ID (lowercased) when the resource names none, and refuses a non-UUID one at start-up', () => {
    const { clock, c, f } = start({ env: { LUNADEFEND_STACK_ID: STACK_B.toUpperCase() } });
    c.consume(single({ value: 1, startMs: NOON - 1, timeMs: NOON }));
    c.consume(single({ value: 1, startMs: NOON - 1, timeMs: NOON, stackId: STACK_A }));
    clock.set(Date.UTC(2026, 10, 25));
    c.sealDue();
    expect(outbox(f).map((r) => r.stack_id).sort()).toEqual([STACK_A, STACK_B].sort());
    expect(() => createCollector(f.config, { env: { LUNADEFEND_STACK_ID: 'my-laptop' } })).toThrow(CollectorError);
  });
});
