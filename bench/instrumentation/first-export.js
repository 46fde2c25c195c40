// What a client loses of what it counted before its first export, end to end: the client counts
// BEFORE increments, lets its first periodic export go, counts AFTER more and shuts down (final
// export); a real lunadefend-collector (built processor/dist/main.js, started before the client
// through the test kit's launcher, 2 s windows) aggregates and sends its reports to a capturing HTTP endpoint; the reports' sum is
// what was counted. Clients, each against a fresh collector:
//   stock SDK ObservableCounter   @opentelemetry/sdk-metrics 2.x, callback observing a running total
//   stock SDK Counter             the same SDK, a synchronous counter
//   @lunadefend/metrics           this package
// The stock clients run over OTLP/HTTP JSON and over protobuf (the SDK's own exporters).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMetrics } from '@lunadefend/metrics';
import { ENTRY_POINTS, listeningPort, spawnService, startCaptureServer, writeCollectorConfig } from '@lunadefend/testkit';
import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

const STACK_ID = '3d9c49ce-8367-43ec-8884-568c8d43faec';
const BEFORE = 388;
const AFTER = 97;
const INTERVAL_MS = 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startCollector(dir, reportsUrl) {
  const config = writeCollectorConfig(dir, { endpoint: reportsUrl, stateDirectory: join(dir, 'state'), window: '2s' });
  const service = spawnService({ name: 'collector', entry: ENTRY_POINTS.collector, args: ['run', '--config', config] });
  const port = await listeningPort(service, 30_000);
  return { otlpUrl: `http://127.0.0.1:${port}`, stop: () => service.stop('SIGTERM') };
}

function stockClient(kind, encoding, otlpUrl) {
  const url = `${otlpUrl}/v1/metrics`;
  const exporter = encoding === 'json' ? new JsonExporter({ url }) : new ProtoExporter({ url });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: INTERVAL_MS });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.version': '1.0.0', 'lunadefend.stack_id': STACK_ID }),
    readers: [reader],
  });
  const meter = provider.getMeter('bench');
  let add;
  if (kind === 'observable') {
    let total = 0;
    meter.createObservableCounter('lunadefend.tokenize.success', { valueType: ValueType.INT }).addCallback((result) => result.observe(total));
    add = (n) => { total += n; };
  } else {
    const counter = meter.createCounter('lunadefend.tokenize.success', { valueType: ValueType.INT });
    add = (n) => counter.add(n);
  }
  return { add, shutdown: () => provider.shutdown() };
}

function packageClient(otlpUrl) {
  const metrics = startMetrics({
    serviceVersion: '1.0.0',
    stackId: STACK_ID,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, OTEL_METRIC_EXPORT_INTERVAL: String(INTERVAL_MS) },
  });
  return { add: (n) => metrics.add('lunadefend.tokenize.success', n), shutdown: () => metrics.shutdown() };
}

async function scenario(makeClient) {
  const dir = mkdtempSync(join(tmpdir(), 'lunadefend-first-export-'));
  // The collector's reports, parsed, each answered 202 as the receiver does.
  const capture = await startCaptureServer({ record: (req) => JSON.parse(req.body.toString('utf8')), reply: () => ({ status: 202 }) });
  const collector = await startCollector(dir, `${capture.url}/v1/reports`);
  try {
    const client = makeClient(collector.otlpUrl);
    for (let i = 0; i < BEFORE; i++) client.add(1);
    await sleep(INTERVAL_MS * 1.8); // the first periodic export goes out and is answered
    for (let i = 0; i < AFTER; i++) client.add(1);
    await client.shutdown();
    const doneAt = Date.now();
    // Windows seal once they have ended; wait for the report of the window the last export fell in.
    const deadline = Date.now() + 20_000;
    while (!capture.requests.some((r) => Date.parse(r.window.end) > doneAt) && Date.now() < deadline) await sleep(100);
    return capture.requests.reduce((sum, r) => sum + r.metrics.tokenizeSuccess, 0);
  } finally {
    await collector.stop();
    await capture.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureFirstExport() {
  const rows = [];
  for (const [name, make] of [
    ['stock SDK ObservableCounter, OTLP/HTTP JSON', (url) => stockClient('observable', 'json', url)],
    ['stock SDK ObservableCounter, OTLP/HTTP protobuf', (url) => stockClient('observable', 'proto', url)],
    ['stock SDK Counter (synchronous), OTLP/HTTP JSON', (url) => stockClient('sync', 'json', url)],
    ['stock SDK Counter (synchronous), OTLP/HTTP protobuf', (url) => stockClient('sync', 'proto', url)],
    ['`@lunadefend/metrics` (OTLP/HTTP JSON)', (url) => packageClient(url)],
  ]) {
    rows.push({ name, counted: await scenario(make) });
  }
  return rows;
}

export function printFirstExport(rows) {
  console.log(`\nfirst export: ${BEFORE} counted before the first periodic export (interval ${INTERVAL_MS} ms), ${AFTER} after, then shutdown; summed from a real collector's reports`);
  console.log('');
  console.log('| client | performed | counted by the collector | lost |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const { name, counted } of rows) console.log(`| ${name} | ${BEFORE + AFTER} | ${counted} | ${BEFORE + AFTER - counted} |`);
}
