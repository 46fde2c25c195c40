import { afterEach, describe, expect, it } from 'vitest';
import { createCollector, type Collector } from '../collector.js';
import { previewReports } from '../window/report-preview.js';
import { openStateStore } from '../state/state-store.js';
import { createStreamTable } from './stream-table.js';
import { captureLogger, makeFixture, manualClock, type Fixture } from '../testing/collector-fixture.js';
import { point, request, resource, single, str } from '../testing/model-builders.js';

const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
let fixture: Fixture;
let collector: Collector | undefined;

afterEach(async () => {
  await collector?.shutdown();
  collector = undefined;
  fixture?.cleanup();
});

function start(options: Parameters<typeof makeFixture>[0] = {}, clockMs = T0) {
  fixture = makeFixture(options);
  const clock = manualClock(clockMs);
  collector = createCollector(fixture.config, { now: clock.now, env: { LUNADEFEND_TELEMETRY: 'local' }, logger: captureLogger().logger, schedule: false });
  return { clock, collector };
}

function openTotals(): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const body of previewReports(fixture.config).open) {
    const report = JSON.parse(body) as { metrics: Record<string, number> };
    for (const [k, v] of Object.entries(report.metrics)) totals[k] = (totals[k] ?? 0) + v;
  }
  return totals;
}

const accepted = (c: Collector, req: Parameters<Collector['consume']>[0]) => {
  const outcome = c.consume(req);
  expect(outcome.kind).toBe('accepted');
  return outcome.kind === 'accepted' ? outcome.rejectedDataPoints : -1;
};

describe('to-delta', () => {
  it('counts two instances with the same point attributes but different service.instance.id separately', () => {
    const { collector: c } = start();
    const inst = (id: string, value: number, timeMs: number) =>
      single({ value, startMs: T0 + 1, timeMs, attributes: [str('op', 'x')], resourceAttributes: [str('service.instance.id', id)] });
    accepted(c, inst('a', 5, T0 + 10));
    accepted(c, inst('b', 3, T0 + 10));
    accepted(c, inst('a', 8, T0 + 20));
    accepted(c, inst('b', 4, T0 + 20));
    expect(openTotals().tokenizeSuccess).toBe(12);
  });

  it('counts a restarted client (new start time) from zero', () => {
    const { collector: c } = start();
    accepted(c, single({ value: 10, startMs: T0 + 1, timeMs: T0 + 10 }));
    accepted(c, single({ value: 15, startMs: T0 + 1, timeMs: T0 + 20 }));
    accepted(c, single({ value: 4, startMs: T0 + 25, timeMs: T0 + 30 })); // restarted process
    accepted(c, single({ value: 6, startMs: T0 + 25, timeMs: T0 + 40 }));
    expect(openTotals().tokenizeSuccess).toBe(21);
  });

  it('treats a falling value as a reset', () => {
    const { collector: c } = start();
    accepted(c, single({ value: 10, startMs: T0 + 1, timeMs: T0 + 10 }));
    accepted(c, single({ value: 3, startMs: T0 + 1, timeMs: T0 + 20 }));
    accepted(c, single({ value: 5, startMs: T0 + 1, timeMs: T0 + 30 }));
    expect(openTotals().tokenizeSuccess).toBe(15);
  });

  it('takes a stream that predates the state epoch as a baseline', () => {
    const { collector: c } = start();
    accepted(c, single({ value: 100, startMs: T0 - 60_000, timeMs: T0 + 10 }));
    accepted(c, single({ value: 104, startMs: T0 - 60_000, timeMs: T0 + 20 }));
    expect(openTotals().tokenizeSuccess).toBe(4);
  });

  it('is idempotent under retries of the same cumulative point and ignores late ones', () => {
    const { collector: c } = start();
    accepted(c, single({ value: 5, startMs: T0 + 1, timeMs: T0 + 10 }));
    accepted(c, single({ value: 5, startMs: T0 + 1, timeMs: T0 + 10 }));
    accepted(c, single({ value: 9, startMs: T0 + 1, timeMs: T0 + 30 }));
    accepted(c, single({ value: 7, startMs: T0 + 1, timeMs: T0 + 20 })); // a retried older export
    expect(openTotals().tokenizeSuccess).toBe(9);
  });

  it('sums delta input and mixes both temporalities', () => {
    const { collector: c } = start();
    accepted(c, single({ value: 2, startMs: T0, timeMs: T0 + 10, temporality: 1 }));
    accepted(c, single({ value: 3, startMs: T0 + 10, timeMs: T0 + 20, temporality: 1 }));
    accepted(c, single({ value: 6, startMs: T0 + 1, timeMs: T0 + 20, temporality: 2, resourceAttributes: [str('service.instance.id', 'c')] }));
    accepted(c, single({ value: 9, startMs: T0 + 1, timeMs: T0 + 30, temporality: 2, resourceAttributes: [str('service.instance.id', 'c')] }));
    accepted(c, single({ name: 'lunadefend.grant.create.failure', value: 1, startMs: T0, timeMs: T0 + 30, temporality: 1 }));
    expect(openTotals()).toMatchObject({ tokenizeSuccess: 14, createGrantFailure: 1 });
  });

  it('keeps stream state across a restart of the collector', async () => {
    const { collector: first } = start();
    accepted(first, single({ value: 5, startMs: T0 + 1, timeMs: T0 + 10 }));
    await first.shutdown();
    collector = createCollector(fixture.config, { now: () => T0 + 100, env: { LUNADEFEND_TELEMETRY: 'local' }, logger: captureLogger().logger, schedule: false });
    accepted(collector, single({ value: 8, startMs: T0 + 1, timeMs: T0 + 50 }));
    expect(openTotals().tokenizeSuccess).toBe(8);
  });

  it('holds max_streams with a million distinct attribute values, rejecting the excess', () => {
    const { collector: c } = start({ maxStreams: 1000 });
    let rejected = 0;
    const perRequest = 10_000;
    for (let r = 0; r < 100; r++) {
      const points = Array.from({ length: perRequest }, (_, i) => point({ value: 1, startMs: T0 + 1, timeMs: T0 + 10, attributes: [str('user', `u${r * perRequest + i}`)] }));
      rejected += accepted(c, request(resource({ version: '1.0.0', sums: [{ name: 'lunadefend.tokenize.success', points }] })));
    }
    expect(rejected).toBe(1_000_000 - 1000);
    const store = openStateStore({ directory: fixture.stateDirectory, readonly: true });
    try {
      const streams = createStreamTable();
      streams.open(store); // the streams table plus the stream log not yet folded into it
      expect(streams.size()).toBe(1000);
    } finally {
      store.close();
    }
    expect(openTotals().tokenizeSuccess).toBe(1000);
  }, 120_000);

  it('evicts stale streams for new ones without ever counting an evicted stream twice', () => {
    const { clock, collector: c } = start({ maxStreams: 2, streamStaleness: '1m' });
    const s = (id: string, value: number, startMs: number, timeMs: number) =>
      single({ value, startMs, timeMs, resourceAttributes: [str('service.instance.id', id)] });
    accepted(c, s('a', 5, T0 + 1, T0 + 10));
    accepted(c, s('b', 5, T0 + 2, T0 + 10));
    expect(c.consume(s('c', 5, T0 + 3, T0 + 10))).toMatchObject({ rejectedDataPoints: 1 }); // full, nothing stale
    clock.advance(120_000);
    accepted(c, s('b', 6, T0 + 2, T0 + 100_000)); // b stays fresh
    accepted(c, s('c', 5, T0 + 3, T0 + 120_000)); // a is stale and evicted; c started after a: counted
    accepted(c, s('a', 5, T0 + 1, T0 + 120_000)); // a comes back: must not count its 5 again
    expect(openTotals().tokenizeSuccess).toBe(5 + 5 + 1 + 5);
  });
});
