// Clock skew between the collector and the receiver, with both real ends in this process and one
// simulated "true" time driving them: the receiver's clock is true, the producer's clock is true,
// the collector's clock is off by a schedule (10 min ahead; 2 days ahead for a while and back; or
// 3 days ahead when its state is created, then corrected). Every increment the producer makes
// must reach the receiver's totals exactly once.

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCollectorConfig } from '@lunadefend/config';
import { createCollector, readCollectorState } from '@lunadefend/collector';
import { createLogger, createReceiver } from '@lunadefend/receiver';
import { useScratchDir } from './support/scratch.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const STEP = 5 * MIN;
const T0 = Date.UTC(2026, 10, 2, 9, 3);

const scratch = useScratchDir('skew');

/** The collector's clock minus true time, as a function of true time. */
type Skew = (trueMs: number) => number;

async function run(skew: Skew, scenarioMs: number, producerRestartAtMs: number) {
  const dir = scratch.dir;
  let trueMs = T0;
  const receiver = createReceiver({
    config: { host: '127.0.0.1', port: 0, database: { kind: 'sqlite', path: join(dir, 'receiver.db') }, windowMs: HOUR },
    now: () => new Date(trueMs),
    logger: createLogger({ level: 'silent' }),
    retention: false,
  });
  scratch.onCleanup(() => receiver.shutdown());
  const address = await receiver.start();
  const yaml = `receivers: { otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } } }
processors: { lunadefend_aggregate: { window: 1h, send_jitter: 0s } }
exporters:
  lunadefend:
    endpoint: ${address.url}/v1/reports
    retry_on_failure: { initial_interval: 1m, max_interval: 30m }
extensions: { health_check: { endpoint: 127.0.0.1:0 }, file_storage: { directory: "${join(dir, 'state')}" } }
service: { telemetry: { metrics: { address: 127.0.0.1:0 } } }
`;
  const config = loadCollectorConfig(yaml, {}).config;
  const collector = createCollector(config, { now: () => trueMs + skew(trueMs), env: {}, logger: createLogger({ level: 'silent' }), schedule: false });
  scratch.onCleanup(() => collector.shutdown());
  await collector.start();
  const otlp = collector.otlpAddress();
  const stackId = randomUUID();

  // The producer: one cumulative counter, exported every step with its own (true) clock.
  let startMs = T0 + MIN;
  let value = 0;
  let increments = 0;
  let step = 0;
  const send = async () => {
    const body = {
      resourceMetrics: [{
        resource: { attributes: [{ key: 'service.version', value: { stringValue: '1.2.3' } }, { key: 'lunadefend.stack_id', value: { stringValue: stackId } }] },
        scopeMetrics: [{ scope: { name: 'x' }, metrics: [{ name: 'lunadefend.tokenize.success', sum: {
          aggregationTemporality: 2, isMonotonic: true,
          dataPoints: [{ startTimeUnixNano: String(BigInt(startMs) * 1_000_000n), timeUnixNano: String(BigInt(trueMs) * 1_000_000n), asInt: String(value) }],
        } }] }],
      }],
    };
    const res = await fetch(`http://${otlp.host}:${otlp.port}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };
  let restarted = false;
  for (trueMs = T0 + 2 * MIN; trueMs < T0 + scenarioMs; trueMs += STEP) {
    if (!restarted && trueMs >= T0 + producerRestartAtMs) {
      restarted = true; // a new process: a new start time, counting from zero
      startMs = trueMs - MIN;
      value = 0;
    }
    const add = 1 + (step++ % 7);
    value += add;
    increments += add;
    await send();
    await collector.tick();
  }
  // Let time run on, without new counts, until the collector has delivered everything.
  const deadline = trueMs + 5 * 24 * HOUR;
  while (trueMs < deadline) {
    await collector.tick();
    const state = readCollectorState(join(dir, 'state'));
    if (state.openReports === 0 && state.outbox.length === 0) break;
    trueMs += STEP;
  }
  const state = readCollectorState(join(dir, 'state'));
  const days = await receiver.storage.dailyStats({ from: '2026-10-25', to: '2026-11-30' });
  const received = days.reduce((sum, d) => sum + d.totals.tokenizeSuccess, 0);
  return { increments, received, state };
}

describe('collector clock off from the receiver', () => {
  it('10 minutes ahead: every count is delivered exactly once', async () => {
    const r = await run(() => 10 * MIN, 6 * HOUR, 3 * HOUR);
    expect(r.state.deadLetters).toHaveLength(0);
    expect(r.state.outbox).toHaveLength(0);
    expect(r.received).toBe(r.increments);
  }, 120_000);

  it('a jump 2 days ahead and back: every count is delivered exactly once', async () => {
    const r = await run((t) => (t >= T0 + 2 * HOUR && t < T0 + 5 * HOUR ? 2 * 24 * HOUR : 0), 8 * HOUR, 3 * HOUR);
    expect(r.state.deadLetters).toHaveLength(0);
    expect(r.state.outbox).toHaveLength(0);
    expect(r.received).toBe(r.increments);
  }, 120_000);

  it('started 3 days ahead (the state epoch from that clock), then corrected: every count is delivered exactly once', async () => {
    const r = await run((t) => (t < T0 + 3 * HOUR ? 3 * 24 * HOUR : 0), 7 * HOUR, 4 * HOUR);
    expect(r.state.deadLetters).toHaveLength(0);
    expect(r.state.outbox).toHaveLength(0);
    expect(r.received).toBe(r.increments);
  }, 120_000);
});
