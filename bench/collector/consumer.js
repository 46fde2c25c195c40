// The pipeline behind the intake, in-process and without HTTP: CPU per data point of decoding,
// of the privacy filter with stream keys, and of the aggregating consumer (filter → to-delta →
// window totals → one durable SQLite commit per batch of requests), on the same requests as the
// main bench. It shows where a point's cost goes; the main bench shows what a client sees.
// Run after `npx tsc -b processor`: node bench/collector/consumer.js  (BATCH=n requests per commit,
// INSTANCES=n simulated instances of 100 streams each, REQUESTS=n).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createAggregatingConsumer } from '../../processor/dist/aggregate/aggregating-consumer.js';
import { createToDelta } from '../../processor/dist/delta/to-delta.js';
import { decodeProtobufMetricsRequest } from '../../processor/dist/otlp/index.js';
import { filterRequest } from '../../processor/dist/privacy/allowlist-filter.js';
import { createStreamKeyer } from '../../processor/dist/privacy/stream-key.js';
import { createStateHandle } from '../../processor/dist/state/state-handle.js';
import { createOwnMetrics } from '../../processor/dist/telemetry/own-metrics.js';
import { createWindowTotals } from '../../processor/dist/window/window-totals.js';
import { createPayloadSource, POINTS_PER_REQUEST } from './payloads.js';

const BATCH = Number(process.env.BATCH ?? 8);
const INSTANCES = Number(process.env.INSTANCES ?? 40);
const REQUESTS = Number(process.env.REQUESTS ?? 6_000);

const payloads = createPayloadSource({ instances: INSTANCES });
const bodies = Array.from({ length: REQUESTS }, () => payloads.next());
const requests = bodies.map((body) => decodeProtobufMetricsRequest(body));

/** Runs fn once and prints wall and CPU time per data point of `count` requests. */
function measure(label, count, fn) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  fn();
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const points = count * POINTS_PER_REQUEST;
  console.log(`  ${label.padEnd(44)} ${((user + system) / points).toFixed(2).padStart(6)} µs CPU, ${((wallMs * 1000) / points).toFixed(2).padStart(6)} µs wall per point`);
}

console.log(`${REQUESTS} requests of ${POINTS_PER_REQUEST} points, ${INSTANCES * POINTS_PER_REQUEST} streams, ${BATCH} requests per commit:`);
measure('decode (protobuf)', REQUESTS, () => {
  for (const body of bodies) decodeProtobufMetricsRequest(body);
});
const keyer = createStreamKeyer(Buffer.alloc(32, 7));
measure('privacy filter with stream keys', REQUESTS, () => {
  for (const request of requests) filterRequest(request, keyer, '3d9c49ce-8367-43ec-8884-568c8d43faec');
});

const directory = mkdtempSync(join(tmpdir(), 'lunadefend-bench-consumer-'));
const state = createStateHandle({ directory, logger: pino({ level: 'warn' }), now: Date.now });
try {
  const consumer = createAggregatingConsumer({
    state,
    toDelta: createToDelta({ maxStreams: 10_000, streamStalenessMs: 3_600_000 }),
    windowTotals: createWindowTotals({ windowMs: 86_400_000 }),
    configuredStackId: undefined,
    now: Date.now,
    metrics: createOwnMetrics(),
  });
  const run = (from, to) => {
    for (let i = from; i < to; i += BATCH) consumer.consumeBatch(requests.slice(i, Math.min(i + BATCH, to)));
  };
  const warm = Math.floor(REQUESTS / 5); // first sight of every stream, and the JIT
  run(0, warm);
  measure('aggregating consumer (filter … commit)', REQUESTS - warm, () => run(warm, REQUESTS));
} finally {
  state.close();
  rmSync(directory, { recursive: true, force: true });
}
