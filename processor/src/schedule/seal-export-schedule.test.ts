import { describe, expect, it } from 'vitest';
import { createLedgerOnlyTransport } from '../export/ledger-only-transport.js';
import { createReportExporter } from '../export/report-exporter.js';
import { readLedger } from '../state/state-reader.js';
import { seededRandom } from '@lunadefend/testkit';
import { manualClock } from '../testing/collector-fixture.js';
import { single } from '../testing/model-builders.js';
import { useTestState } from '../testing/test-state.js';
import { createSealer } from '../window/sealer.js';
import { createSealExportSchedule } from './seal-export-schedule.js';

const WINDOW_MS = 10_000;
const T0 = Date.UTC(2026, 10, 24, 9);
const openState = useTestState();

function setUp() {
  const clock = manualClock(T0);
  const { state, f, log, metrics, aggregating } = openState(clock.now);
  const { logger } = log;
  aggregating(WINDOW_MS).consumeBatch([single({ value: 2, startMs: T0, timeMs: T0 + 1, temporality: 1 })]);
  let ticks = 0;
  const schedule = createSealExportSchedule({
    state,
    sealer: createSealer({ windowMs: WINDOW_MS, sendJitterMs: 0, random: seededRandom(1), logger }),
    exporter: createReportExporter({ state, transport: createLedgerOnlyTransport(), retry: { initialIntervalMs: 1000, maxIntervalMs: 60_000 }, maxAgeMs: 86_400_000, now: clock.now, random: seededRandom(2), logger, metrics }),
    periodMs: 20,
    now: clock.now,
    metrics,
    logger,
    afterTick: () => void ticks++,
  });
  return { clock, schedule, directory: f.stateDirectory, ticks: () => ticks };
}

describe('seal/export schedule', () => {
  it('seals an ended window and sends it on its own once started, and stops on shutdown', async () => {
    const { clock, schedule, directory, ticks } = setUp();
    await schedule.start();
    while (ticks() < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(readLedger(directory)).toEqual([]); // the window has not ended yet
    clock.set(T0 + WINDOW_MS);
    while (readLedger(directory).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(readLedger(directory).map((entry) => entry.outcome)).toEqual(['local']);
    const first = schedule.shutdown();
    const second = schedule.shutdown();
    await first;
    await second;
    const after = ticks();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(ticks()).toBe(after);
  });

  it('does nothing until started or driven, and shuts down safely without start', async () => {
    const { clock, schedule, directory, ticks } = setUp();
    clock.set(T0 + WINDOW_MS);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(ticks()).toBe(0);
    await schedule.shutdown();
    await schedule.shutdown();
    expect(schedule.sealDue()).toBe(1);
    expect(await schedule.exportDue()).toMatchObject({ delivered: 1 });
    expect(readLedger(directory)).toHaveLength(1);
  });
});
