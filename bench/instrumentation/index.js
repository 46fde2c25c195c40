// bench/instrumentation: what one counted operation costs a service, side by side in one run.
//   bare x++                    the floor: a loop that only increments a local
//   add() exporter attached     @lunadefend/metrics in mode on (exporter + reader built; the
//                               export interval is long so no export runs inside a timing)
//   add() when off              @lunadefend/metrics with LUNADEFEND_TELEMETRY=off
//   SDK Counter.add + reader    @opentelemetry/sdk-metrics Counter.add(1) on a MeterProvider
//                               with a periodic reader, i.e. with attribute hashing and storage
//   add(), name varying         add() cycling through the six catalog names at one call site
//                               (a keyed lookup V8 cannot specialise to one property)
// Then, in fresh processes, what importing and starting the package costs (import-cost.js), and
// what a client loses of what it counted before its first export, at a real collector
// (first-export.js).
// Rounds are interleaved (A B C D, A B C D, ...) and the median per candidate is reported, so
// a noisy neighbour on a shared machine colours every candidate alike.
// Run: npm run bench -- instrumentation   (or: node bench/instrumentation/index.js)

import os from 'node:os';
import { startMetrics } from '@lunadefend/metrics';
import { measureFirstExport, printFirstExport } from './first-export.js';
import { measureImportCost, printImportCost } from './import-cost.js';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

const N = Number(process.env.BENCH_ITERATIONS ?? 20_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const IMPORT_ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 15);

const quietEnv = (extra) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_METRIC_EXPORT_INTERVAL: '3600000', ...extra });
// Nothing listens on the endpoint; a short flush bound keeps the final shutdown quick.
const on = startMetrics({ serviceVersion: '1.0.0', env: quietEnv({ LUNADEFEND_TELEMETRY: 'on' }), flushTimeoutMs: 100 });
const off = startMetrics({ serviceVersion: '1.0.0', env: quietEnv({ LUNADEFEND_TELEMETRY: 'off' }), flushTimeoutMs: 100 });
const NAMES = ['lunadefend.tokenize.success', 'lunadefend.tokenize.failure', 'lunadefend.detokenize.success',
  'lunadefend.detokenize.failure', 'lunadefend.grant.create.success', 'lunadefend.grant.create.failure'];

const reader = new PeriodicExportingMetricReader({
  exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
  exportIntervalMillis: 3_600_000,
});
const provider = new MeterProvider({ readers: [reader] });
const sdkCounter = provider.getMeter('bench').createCounter('lunadefend.tokenize.success');

let sink = 0;
function bare(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x++;
  sink += x;
}
function addOn(n) {
  const metrics = on;
  for (let i = 0; i < n; i++) metrics.add('lunadefend.tokenize.success');
}
function addOff(n) {
  const metrics = off;
  for (let i = 0; i < n; i++) metrics.add('lunadefend.tokenize.success');
}
function addVaried(n) {
  const metrics = on;
  for (let i = 0, k = 0; i < n; i++) {
    metrics.add(NAMES[k]);
    if (++k === NAMES.length) k = 0;
  }
}
function sdkAdd(n) {
  const counter = sdkCounter;
  for (let i = 0; i < n; i++) counter.add(1);
}

const candidates = [
  ['bare x++', bare],
  ['add(), exporter attached', addOn],
  ['add(), telemetry off', addOff],
  ['SDK Counter.add, with reader', sdkAdd],
  ['add(), exporter attached, name varying over the 6 metrics', addVaried],
];

function timeNs(fn, n) {
  const start = process.hrtime.bigint();
  fn(n);
  return Number(process.hrtime.bigint() - start) / n;
}

// A real service calls add() with every catalog name, so prime add() that way before anything
// is optimized: timing a counter that has only ever seen one name would flatter it.
for (let i = 0; i < 100_000; i++) for (const name of NAMES) { on.add(name); off.add(name); }

// Warm-up: let every loop reach optimized code before anything is timed.
for (const [, fn] of candidates) for (let i = 0; i < 3; i++) fn(Math.min(N, 2_000_000));

const samples = new Map(candidates.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of candidates) {
    globalThis.gc?.();
    samples.get(name).push(timeNs(fn, N));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = candidates.map(([name]) => ({ name, ns: median(samples.get(name)) }));
const byName = Object.fromEntries(results.map((r) => [r.name, r.ns]));
const sdk = byName['SDK Counter.add, with reader'];

console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${N.toLocaleString('en')} calls x ${ROUNDS} rounds, median`);
console.log('');
console.log('| candidate | ns per call | Counter.add / candidate |');
console.log('| --- | ---: | ---: |');
for (const { name, ns } of results) {
  console.log(`| ${name} | ${ns.toFixed(2)} | ${(sdk / ns).toFixed(1)}x |`);
}
console.log('');
const addNs = byName['add(), exporter attached'];
console.log(`add() with exporter: ${addNs.toFixed(2)} ns (${addNs - byName['bare x++'] >= 0 ? '+' : ''}${(addNs - byName['bare x++']).toFixed(2)} ns over bare x++), ${(sdk / addNs).toFixed(1)}x cheaper than Counter.add`);

// The figures only count if every call was a real, accepted add.
if (on.ignoredCalls() !== 0 || off.ignoredCalls() !== 0 || sink === 0) {
  console.error('bench sanity check failed');
  process.exitCode = 1;
}
await Promise.all([on.shutdown(), off.shutdown(), provider.shutdown()]);

printImportCost(await measureImportCost(IMPORT_ROUNDS), IMPORT_ROUNDS);
printFirstExport(await measureFirstExport());
