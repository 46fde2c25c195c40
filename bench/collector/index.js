// bench/collector: data points per second through the whole collector pipeline for the
// OpenTelemetry Collector load test's shape (OTLP/HTTP protobuf, 100 points a request), side by
// side with a bare Node HTTP server that reads and discards the same requests and with the intake
// alone; then CPU share and RSS of each while holding a steady 10k points/s.
// Run: npm run bench -- collector (builds first), or node bench/collector/index.js after
// `npx tsc -b processor`. BENCH_QUICK=1 shortens every phase for a smoke run.
import { runDecodeComparison } from './decode.js';
import { runMaxRate, runSteadyRate } from './load.js';
import { createPayloadSource } from './payloads.js';
import { startBareServer, startCollector, startIntakeOnly } from './servers.js';

const quick = process.env.BENCH_QUICK === '1';
const WARMUP_MS = quick ? 500 : 2_000;
const ROUND_MS = quick ? 1_000 : 2_000;
const ROUNDS = quick ? 3 : 5;
const STEADY_MS = quick ? 4_000 : 20_000;
const STEADY_POINTS_PER_SECOND = 10_000;
const CONCURRENCY = [4, 32];
// At maximum rate, at least as many simulated instances as requests in flight: one instance never
// has two exports in flight, so its cumulative values reach the collector in order (4,000 streams).
// The steady phase uses 1,000 streams, still far more than one deployment's tokenizers produce.
const INSTANCES_MAX_RATE = 40;
const INSTANCES_STEADY = 10;

const targets = [
  ['bare', startBareServer],
  ['intake', startIntakeOnly],
  ['collector', startCollector],
];

/** Each steady-rate run gets a fresh server process, so the max-rate phase's heap never colours it. */
async function withServer(start, fn) {
  const server = await start();
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const decode = runDecodeComparison(createPayloadSource({ instances: 1 }), quick ? 300 : 2_000);
console.log(`decode one ${decode.bytes}-byte protobuf request of 100 points (in-process, requests/s):`);
console.log(`  intake wire reader ${fmt(decode.handWritten)}  |  protobufjs, same definitions ${fmt(decode.protobufjs)}  (${fmt(decode.handWritten / decode.protobufjs, 2)}x)`);
console.log(`  the same request as OTLP/JSON (${decode.jsonBytes} bytes): ${fmt(decode.json)}`);

// Maximum rate: all three servers up at once (an idle one costs nothing), measured in
// interleaved rounds (bare, intake, collector, bare, …) and reported as the median round, so a
// burst of load from elsewhere on the machine does not land on one server only. Two depths of
// requests in flight: the collector commits concurrent requests together (group commit).
const servers = [];
try {
  for (const [key, start] of targets) servers.push({ key, server: await start(), payloads: createPayloadSource({ instances: INSTANCES_MAX_RATE }) });
  for (const entry of servers) await runMaxRate({ port: entry.server.port, payloads: entry.payloads, concurrency: CONCURRENCY[0], durationMs: WARMUP_MS });
  for (const entry of servers) entry.rounds = Object.fromEntries(CONCURRENCY.map((c) => [c, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const concurrency of CONCURRENCY) {
      for (const entry of servers) {
        const result = await runMaxRate({ port: entry.server.port, payloads: entry.payloads, concurrency, durationMs: ROUND_MS });
        entry.rounds[concurrency].push(result.failed > 0 ? Number.NaN : result.pointsPerSecond);
      }
    }
  }
} finally {
  await Promise.all(servers.map((entry) => entry.server.stop()));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const maxRate = {};
for (const concurrency of CONCURRENCY) {
  console.log(`\nmaximum rate, ${concurrency} requests in flight, median of ${ROUNDS} interleaved rounds of ${ROUND_MS / 1000} s, ${INSTANCES_MAX_RATE * 100} streams:`);
  for (const { key, server, rounds } of servers) {
    const values = rounds[concurrency];
    maxRate[key] = { pointsPerSecond: median(values) };
    const failed = values.some(Number.isNaN) ? '  (some requests failed: NaN rounds)' : '';
    console.log(`  ${server.name.padEnd(30)} ${fmt(median(values)).padStart(10)} points/s (rounds ${fmt(Math.min(...values))}–${fmt(Math.max(...values))})${failed}`);
  }
  const ratio = (key) => fmt(maxRate[key].pointsPerSecond / maxRate.bare.pointsPerSecond, 2);
  console.log(`  collector / bare = ${ratio('collector')} (aim ≥ 0.50), intake / bare = ${ratio('intake')}`);
}

const steady = {};
for (const [key, start] of targets) {
  steady[key] = await withServer(start, async (server) => {
    const payloads = createPayloadSource({ instances: INSTANCES_STEADY });
    await runSteadyRate({ server, payloads, pointsPerSecond: STEADY_POINTS_PER_SECOND, durationMs: WARMUP_MS });
    return { name: server.name, ...(await runSteadyRate({ server, payloads, pointsPerSecond: STEADY_POINTS_PER_SECOND, durationMs: STEADY_MS })) };
  });
}
console.log(`\nsteady ${fmt(STEADY_POINTS_PER_SECOND)} points/s for ${STEADY_MS / 1000} s, ${INSTANCES_STEADY * 100} streams (each server alone in its process):`);
for (const result of Object.values(steady)) {
  console.log(
    `  ${result.name.padEnd(30)} achieved ${fmt(result.achievedPointsPerSecond).padStart(7)} points/s  CPU ${fmt(result.cpuPercentOfOneCore, 1).padStart(5)}% of one core (system ${fmt(result.cpuSystemPercent, 1)}%)  RSS avg ${fmt(result.rssMiBAvg, 1)} MiB, max ${fmt(result.rssMiBMax, 1)} MiB${result.failed > 0 ? `  (${result.failed} failed)` : ''}`,
  );
}
console.log('  aim for the collector: ≤ 15% of one core and ≤ 80 MiB RSS');
