import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { statusCommand } from '../cli/status.js';
import type { Collector } from '../collector.js';
import { previewReports } from '../window/report-preview.js';
import { readCollectorState } from '../state/state-reader.js';
import { openStateStore } from '../state/state-store.js';
import type { Fixture, FixtureOptions } from '../testing/collector-fixture.js';
import { single } from '../testing/model-builders.js';
import { useTestCollectors, type TestCollector } from '../testing/test-collectors.js';

const DAY = 86_400_000;
const DAY0 = Date.UTC(2026, 10, 20);
const collectors = useTestCollectors();
let extraServer: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (extraServer ? extraServer.close(() => resolve()) : resolve()));
  extraServer = undefined;
});

async function setup(o: FixtureOptions = {}) {
  const r = await collectors.receiver();
  return { ...collectors.make({ atMs: DAY0 + 3_600_000, endpoint: r.url(), seed: 7, ...o }), r };
}

/** One report of `value` tokenizations sealed into the outbox at the end of the clock's day. */
function sealOne(c: Collector, clock: TestCollector['clock'], value: number) {
  const t = clock.now();
  c.consume(single({ value, startMs: t, timeMs: t + 1, temporality: 1 }));
  clock.set(Math.floor(t / DAY) * DAY + DAY);
  expect(c.sealDue()).toBe(1);
}

const ledger = (f: Fixture) => {
  const store = openStateStore({ directory: f.stateDirectory, readonly: true });
  try {
    return store.ledger.list();
  } finally {
    store.close();
  }
};

describe('report exporter', () => {
  it('on 2xx deletes the outbox entry and appends the exact bytes sent to the ledger', async () => {
    const { clock, c, f, r } = await setup();
    sealOne(c, clock, 4);
    const [waiting] = previewReports(f.config).outbox;
    expect(await c.exportDue()).toMatchObject({ delivered: 1 });
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]?.headers['content-type']).toBe('application/json');
    expect(r.requests[0]?.body.toString('utf8')).toBe(waiting);
    expect(readCollectorState(f.stateDirectory).outbox).toHaveLength(0);
    const entries = ledger(f);
    expect(entries.map((e) => [e.outcome, e.status, e.body])).toEqual([['accepted', 202, waiting]]);
  });

  it('treats 200 duplicate as delivered', async () => {
    const { clock, c, f, r } = await setup();
    r.respond(() => ({ status: 200, body: { status: 'duplicate' } }));
    sealOne(c, clock, 1);
    await c.exportDue();
    expect(ledger(f).map((e) => e.outcome)).toEqual(['duplicate']);
    expect(readCollectorState(f.stateDirectory).outbox).toHaveLength(0);
  });

  it('honours Retry-After on 429 (seconds) and 503 (HTTP-date), resending the same report_id', async () => {
    const { clock, c, f, r } = await setup();
    sealOne(c, clock, 2);
    r.respond(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    expect(await c.exportDue()).toMatchObject({ retried: 1 });
    const retryAt = clock.now() + 120_000;
    expect(readCollectorState(f.stateDirectory).outbox[0]?.nextAttemptMs).toBe(retryAt);
    clock.set(retryAt - 1);
    await c.exportDue();
    expect(r.requests).toHaveLength(1);
    clock.set(retryAt);
    r.respond(() => ({ status: 503, headers: { 'retry-after': new Date(retryAt + 600_000).toUTCString() } }));
    await c.exportDue();
    expect(readCollectorState(f.stateDirectory).outbox[0]?.nextAttemptMs).toBe(retryAt + 600_000);
    r.respond(undefined);
    clock.set(retryAt + 600_000);
    expect(await c.exportDue()).toMatchObject({ delivered: 1 });
    const bodies = r.requests.map((q) => q.body.toString('utf8'));
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1); // every retry carries the same bytes, so the same report_id
  });

  it('retries network errors and timeouts with backoff', async () => {
    // A server that never answers: every attempt times out.
    extraServer = createServer(() => undefined);
    await new Promise<void>((resolve) => extraServer?.listen(0, '127.0.0.1', resolve));
    const port = (extraServer.address() as AddressInfo).port;
    const { clock, c, f } = await setup({ endpoint: `http://127.0.0.1:${port}/v1/reports`, timeout: '200ms', initialInterval: '10s' });
    sealOne(c, clock, 1);
    expect(await c.exportDue()).toMatchObject({ retried: 1 });
    const [entry] = readCollectorState(f.stateDirectory).outbox;
    expect(entry?.lastError).toMatch(/^EXPORT_TIMEOUT/);
    expect(entry?.nextAttemptMs).toBeGreaterThanOrEqual(clock.now() + 5000);
    expect(entry?.nextAttemptMs).toBeLessThanOrEqual(clock.now() + 10_000);
    await new Promise<void>((resolve) => extraServer?.close(() => resolve()));
    extraServer.closeAllConnections();
    extraServer = undefined;
    clock.set(entry?.nextAttemptMs ?? 0);
    await c.exportDue(); // now the port is closed: connection refused
    expect(readCollectorState(f.stateDirectory).outbox[0]).toMatchObject({ attempts: 2, lastError: expect.stringMatching(/^EXPORT_NETWORK/) });
  });

  it('delivers every report exactly once after a three-day receiver outage', async () => {
    const { clock, c, f, r } = await setup({ initialInterval: '5s', maxInterval: '1h' });
    let down = true;
    let dropResponses = 0;
    r.respond((req) => {
      if (down) return { status: 503 };
      if (dropResponses > 0) {
        // Accepted by the receiver, but the answer is lost on the way back.
        dropResponses--;
        const id = (JSON.parse(req.body.toString('utf8')) as { report_id: string }).report_id;
        if (!r.accepted.has(id)) r.accepted.set(id, JSON.parse(req.body.toString('utf8')));
        return { status: 502 };
      }
      return undefined;
    });
    const outageEnd = DAY0 + 3 * DAY + 7 * 3_600_000;
    let increments = 0;
    let steps = 0;
    while (clock.now() < outageEnd + 2 * DAY && steps++ < 10_000) {
      const t = clock.now();
      if ((t % DAY === 3_600_000 || steps === 1) && t < outageEnd + DAY) {
        increments += 3;
        c.consume(single({ value: 3, startMs: t, timeMs: t + 1, temporality: 1 }));
      }
      if (down && t >= outageEnd) {
        down = false;
        dropResponses = 1;
      }
      await c.tick();
      const next = readCollectorState(f.stateDirectory).outbox.reduce((m, e) => Math.min(m, e.nextAttemptMs), Number.POSITIVE_INFINITY);
      const nextHour = (Math.floor(t / 3_600_000) + 1) * 3_600_000;
      clock.set(Math.max(t + 1, Math.min(next, nextHour)));
    }
    expect(steps).toBeLessThan(10_000);
    expect(readCollectorState(f.stateDirectory).outbox).toHaveLength(0);
    const delivered = [...r.accepted.values()] as { metrics: { tokenizeSuccess: number } }[];
    expect(delivered.length).toBeGreaterThanOrEqual(5);
    expect(delivered.reduce((s, rep) => s + rep.metrics.tokenizeSuccess, 0)).toBe(increments);
    expect(r.requests.length).toBeGreaterThan(delivered.length * 10); // retried throughout the outage
    expect(ledger(f).filter((e) => e.outcome === 'duplicate')).toHaveLength(1); // the lost answer
    expect(new Set(ledger(f).map((e) => e.reportId)).size).toBe(ledger(f).length);
  }, 60_000);

  it('moves a report answered 400 to the dead letters, shown by status with the error', async () => {
    const { clock, c, f, r, log } = await setup();
    r.respond(() => ({ status: 400, body: { error: 'invalid_report', details: [{ path: '/window/end', message: 'bad' }] } }));
    sealOne(c, clock, 1);
    expect(await c.exportDue()).toMatchObject({ deadLettered: 1 });
    clock.advance(DAY);
    await c.exportDue();
    expect(r.requests).toHaveLength(1); // never retried blindly
    const state = readCollectorState(f.stateDirectory);
    expect(state.outbox).toHaveLength(0);
    expect(state.deadLetters).toHaveLength(1);
    expect(state.deadLetters[0]?.status).toBe(400);
    const lines: string[] = [];
    statusCommand(f.config, {}, false, (l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).toContain('dead letters:    1');
    expect(text).toContain('HTTP 400 invalid_report');
    expect(text).toContain(state.deadLetters[0]?.reportId);
    expect(log.lines.join('')).not.toContain('invalid_report"'); // logs carry the code and status only
  });

  it('drops and counts a report past max_age', async () => {
    const { clock, c, f, r } = await setup({ maxAge: '48h' });
    r.respond(() => ({ status: 503 }));
    sealOne(c, clock, 1);
    await c.exportDue();
    clock.set(clock.now() + 48 * 3_600_000 + 1);
    expect(await c.exportDue()).toMatchObject({ expired: 1 });
    expect(r.requests).toHaveLength(1);
    expect(readCollectorState(f.stateDirectory)).toMatchObject({ outbox: [], reportsExpired: 1 });
    expect(await c.metrics.registry.getSingleMetricAsString('lunadefend_collector_reports_expired_total')).toMatch(/ 1$/m);
  });
});
