// What adding the package costs a service before its first request: each candidate runs in a
// fresh `node` process (so nothing is cached), interleaved round by round, median reported.
//   import ...                 time of the dynamic import() alone, and the process RSS after it
//   ... started, one export    import, start counting, add once and export once to a local
//                              OTLP endpoint (a real HTTP server on port 0): the whole cost of
//                              being able to count, with the SDK and exporter loaded
// The import figures are the ones the package promises (at most 1.1x the bare SDK); the
// "started" pair says what the SDK and exporter cost once they are loaded, for both ways.

import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const importOnly = (specifier) => `
const t0 = performance.now();
await import(${JSON.stringify(specifier)});
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, rss: process.memoryUsage().rss }));
`;

const metricsStarted = (url) => `
const t0 = performance.now();
const { startMetrics } = await import('@lunadefend/metrics');
const metrics = startMetrics({ serviceVersion: '1.0.0', env: { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: ${JSON.stringify(url)} } });
metrics.add('lunadefend.tokenize.success');
await metrics.flush();
const ms = performance.now() - t0;
const rss = process.memoryUsage().rss;
if (metrics.exportOutcomes().succeeded !== 1) throw new Error('the export did not arrive');
await metrics.shutdown();
console.log(JSON.stringify({ ms, rss }));
`;

const sdkStarted = (url) => `
const t0 = performance.now();
const { MeterProvider, PeriodicExportingMetricReader } = await import('@opentelemetry/sdk-metrics');
const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
const exporter = new OTLPMetricExporter({ url: ${JSON.stringify(url)} });
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
const provider = new MeterProvider({ readers: [reader] });
provider.getMeter('bench').createCounter('lunadefend.tokenize.success').add(1);
await provider.forceFlush();
const ms = performance.now() - t0;
const rss = process.memoryUsage().rss;
await provider.shutdown();
console.log(JSON.stringify({ ms, rss }));
`;

function runChild(source) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`candidate exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

/** Runs every candidate `rounds` times, interleaved; returns rows of median ms and MiB. */
export async function measureImportCost(rounds = 15) {
  let received = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/v1/metrics`;

  const candidates = [
    ['import `node:http` (baseline)', importOnly('node:http')],
    ['import `@opentelemetry/sdk-metrics`', importOnly('@opentelemetry/sdk-metrics')],
    ['import `@lunadefend/metrics`', importOnly('@lunadefend/metrics')],
    ['stock SDK + OTLP exporter: started, one export', sdkStarted(url)],
    ['`@lunadefend/metrics`: started, one export', metricsStarted(url)],
  ];
  const samples = new Map(candidates.map(([name]) => [name, { ms: [], rss: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, source] of candidates) {
      const { ms, rss } = await runChild(source);
      samples.get(name).ms.push(ms);
      samples.get(name).rss.push(rss / 2 ** 20);
    }
  }
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  // Each "started" candidate exports twice: its flush, then the final export of its shutdown.
  const exportsExpected = 4 * rounds;
  if (received !== exportsExpected) throw new Error(`expected ${exportsExpected} exports, saw ${received}`);

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return candidates.map(([name]) => ({ name, ms: median(samples.get(name).ms), mib: median(samples.get(name).rss) }));
}

export function printImportCost(rows, rounds) {
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  const sdk = byName['import `@opentelemetry/sdk-metrics`'];
  const ours = byName['import `@lunadefend/metrics`'];
  console.log(`\nimport cost: a fresh node process per sample, ${rounds} rounds interleaved, median`);
  console.log('');
  console.log('| candidate | time (ms) | RSS (MiB) | time / SDK import | RSS / SDK import |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const { name, ms, mib } of rows) {
    console.log(`| ${name} | ${ms.toFixed(1)} | ${mib.toFixed(1)} | ${(ms / sdk.ms).toFixed(2)}x | ${(mib / sdk.mib).toFixed(2)}x |`);
  }
  console.log('');
  console.log(`import @lunadefend/metrics / import @opentelemetry/sdk-metrics: time ${(ours.ms / sdk.ms).toFixed(2)}x, RSS ${(ours.mib / sdk.mib).toFixed(2)}x (aim: at most 1.10x each)`);
}
