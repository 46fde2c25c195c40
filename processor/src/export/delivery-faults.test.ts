import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { statusCommand } from '../cli/status.js';
import type { Collector } from '../collector.js';
import { readCollectorState } from '../state/state-reader.js';
import { STATE_FILE_NAME } from '../state/state-store.js';
import type { CaptureReceiver } from '../testing/capture-receiver.js';
import type { Fixture, FixtureOptions } from '../testing/collector-fixture.js';
import { single } from '../testing/model-builders.js';
import { useTestCollectors, type TestCollector } from '../testing/test-collectors.js';

const DAY = 86_400_000;
const DAY0 = Date.UTC(2026, 10, 20);
const collectors = useTestCollectors();
let trickler: Server | undefined;
afterEach(async () => {
  if (trickler !== undefined) {
    trickler.closeAllConnections();
    await new Promise<void>((resolve) => trickler?.close(() => resolve()));
  }
  trickler = undefined;
});

async function setup(o: FixtureOptions = {}, receiver?: CaptureReceiver) {
  const r = receiver ?? (await collectors.receiver());
  return { ...(await collectors.start({ atMs: DAY0 + 3_600_000, endpoint: r.url(), seed: 7, ...o })), r };
}

/** Seals one report per call (one per day), each of `value` tokenizations; returns its report_id. */
function sealOne(c: Collector, f: Fixture, clock: TestCollector['clock'], value: number): string {
  const t = clock.now();
  c.consume(single({ value, startMs: t, timeMs: t + 1, temporality: 1 }));
  clock.set(Math.floor(t / DAY) * DAY + DAY + 3_600_000);
  expect(c.sealDue()).toBe(1);
  const ids = readCollectorState(f.stateDirectory).outbox.map((e) => e.reportId);
  return ids[ids.length - 1] ?? '';
}

const idOf = (body: Buffer) => (JSON.parse(body.toString('utf8')) as { report_id: string }).report_id;
const metric = async (c: Collector, name: string) => c.metrics.registry.getSingleMetricAsString(`lunadefend_collector_${name}`);
const health = async (c: Collector) => {
  const { host, port } = c.healthAddress();
  const res = await fetch(`http://${host}:${port}/`);
  return { status: res.status, body: (await res.json()) as { reason?: string } };
};
const statusText = (f: Fixture) => {
  const lines: string[] = [];
  statusCommand(f.config, {}, false, (l) => lines.push(l));
  return lines.join('\n');
};

describe('delivery under faults', () => {
  it('a receiver trickling one byte per second costs one timeout; the report behind it is delivered in the same pass', async () => {
    // Answers the first report with headers and then one body byte per second, for a minute.
    const receiver = await collectors.receiver();
    const real = receiver.url();
    let stalled: string | undefined;
    trickler = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (idOf(body) === stalled) {
          res.writeHead(202, { 'content-type': 'application/json' });
          let n = 0;
          const drip = setInterval(() => (n++ < 60 ? res.write(' ') : (clearInterval(drip), res.end('{}'))), 1000);
          res.on('close', () => clearInterval(drip));
          return;
        }
        void fetch(real, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(await answer.text());
        });
      });
    });
    await new Promise<void>((resolve) => trickler?.listen(0, '127.0.0.1', resolve));
    const port = (trickler.address() as AddressInfo).port;
    const { clock, c, f, r } = await setup({ endpoint: `http://127.0.0.1:${port}/v1/reports`, timeout: '1500ms', initialInterval: '10s' }, receiver);
    stalled = sealOne(c, f, clock, 2);
    const behind = sealOne(c, f, clock, 3);
    const started = performance.now();
    expect(await c.exportDue()).toMatchObject({ delivered: 1, retried: 1 });
    const elapsedMs = performance.now() - started;
    // One deadline for the whole exchange: a socket idle timeout would have waited out the minute.
    expect(elapsedMs).toBeGreaterThanOrEqual(1400);
    expect(elapsedMs).toBeLessThan(15_000);
    expect([...r.accepted.keys()]).toEqual([behind]);
    const [held] = readCollectorState(f.stateDirectory).outbox;
    expect(held).toMatchObject({ reportId: stalled, attempts: 1, lastError: expect.stringMatching(/^EXPORT_TIMEOUT/) });
    // The stalled one goes again after its backoff, to a receiver that now answers.
    stalled = undefined;
    clock.set(held?.nextAttemptMs ?? 0);
    expect(await c.exportDue()).toMatchObject({ delivered: 1 });
    expect(r.accepted.size).toBe(2);
  }, 30_000);

  it('a failed write after a successful send backs off with attempts counted, lets the next report through, and three in a row turn health unhealthy', async () => {
    const { clock, c, f, r, log } = await setup({ initialInterval: '10s', maxInterval: '1h' });
    const first = sealOne(c, f, clock, 2);
    const second = sealOne(c, f, clock, 5);
    // Another connection holds the write lock while the receiver answers: the outcome cannot be written.
    const locker = new Database(join(f.stateDirectory, STATE_FILE_NAME));
    let lockOnAnswer = true;
    r.respond(() => {
      if (lockOnAnswer && !locker.inTransaction) locker.exec('BEGIN EXCLUSIVE');
      return undefined;
    });
    const unlock = () => {
      if (locker.inTransaction) locker.exec('COMMIT');
    };
    try {
      await c.exportDue();
      unlock();
      expect(r.requests.map((q) => idOf(q.body))).toEqual([first]);
      lockOnAnswer = false;
      // Same instant: the first is held back, the second goes and is recorded.
      expect(await c.exportDue()).toMatchObject({ delivered: 1 });
      await c.exportDue();
      expect(r.requests.map((q) => idOf(q.body))).toEqual([first, second]);
      expect(await metric(c, 'export_failures_total')).toMatch(/kind="not_recorded"} 1$/m);
      expect((await health(c)).status).toBe(200);

      // Failing again and again: held back with growing delays, then wedged.
      lockOnAnswer = true;
      for (let round = 0; round < 2; round++) {
        clock.advance(2 * 3_600_000);
        await c.exportDue();
        unlock();
      }
      expect(r.requests.map((q) => idOf(q.body))).toEqual([first, second, first, first]);
      expect(await metric(c, 'export_failures_total')).toMatch(/kind="not_recorded"} 3$/m);
      expect(await metric(c, 'export_attempts_total')).toMatch(/ 4$/m);
      expect(await metric(c, 'export_wedged')).toMatch(/ 1$/m);
      const sick = await health(c);
      expect(sick.status).toBe(503);
      expect(sick.body.reason).toContain(`EXPORT_NOT_RECORDED: report ${first} sent 3 times`);
      expect(statusText(f)).toMatch(/^UNHEALTHY: +EXPORT_NOT_RECORDED: report /m);
      expect(log.lines.join('')).toContain('wedged');

      // The fault clears: delivered once more (the receiver removes the duplicate), health recovers.
      lockOnAnswer = false;
      clock.advance(2 * 3_600_000);
      expect(await c.exportDue()).toMatchObject({ delivered: 1 });
      expect(await metric(c, 'export_wedged')).toMatch(/ 0$/m);
      expect((await health(c)).status).toBe(200);
      expect(statusText(f)).not.toContain('UNHEALTHY');
      expect(readCollectorState(f.stateDirectory).outbox).toHaveLength(0);
      expect(r.accepted.size).toBe(2);
    } finally {
      unlock();
      locker.close();
    }
  }, 60_000);

  it('retries a window refused as in the future instead of dead-lettering it, and reports the measured skew', async () => {
    const { clock, c, f, r, log } = await setup({ initialInterval: '10s' });
    const id = sealOne(c, f, clock, 4);
    // The receiver's clock is 10 minutes behind ours.
    const receiverDate = () => new Date(clock.now() - 600_000).toUTCString();
    r.respond(() => ({ status: 400, body: { error: 'window_in_future', details: [] }, headers: { date: receiverDate() } }));
    expect(await c.exportDue()).toMatchObject({ retried: 1, deadLettered: 0 });
    const state = readCollectorState(f.stateDirectory);
    expect(state.deadLetters).toHaveLength(0);
    expect(state.outbox[0]).toMatchObject({ reportId: id, attempts: 1, lastError: expect.stringMatching(/^EXPORT_WINDOW_IN_FUTURE/) });
    expect(state.clockSkew?.skewMs).toBeGreaterThan(-602_000);
    expect(state.clockSkew?.skewMs).toBeLessThan(-598_000);
    expect(statusText(f)).toContain('this host is 10 min ahead of the receiver');
    expect(await metric(c, 'clock_skew_seconds')).toMatch(/ -(599|600|601)(\.\d+)?$/m);
    expect(log.lines.filter((l) => l.includes('"CLOCK_SKEW"'))).toHaveLength(1);
    // Once the receiver's clock has caught up, the same report goes through.
    r.respond(undefined);
    clock.set(state.outbox[0]?.nextAttemptMs ?? 0);
    expect(await c.exportDue()).toMatchObject({ delivered: 1 });
    expect([...r.accepted.keys()]).toEqual([id]);
  });
});
