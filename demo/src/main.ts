#!/usr/bin/env node
// `npm start`: the whole pipeline on one machine — the receiver (SQLite under ./data), the
// collector sidecar (the root otel-collector.yaml, exporting to that receiver, state under
// ./data/collector), the example tokenizer and a small traffic generator. The report window is
// shortened to seconds so reports can be watched arriving. Ctrl-C stops every process, tokenizer
// first so its last counts reach the collector.

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_KEYS, decideTelemetryMode, loadCollectorConfigFile, parseHostPort, type ReportMetrics } from '@lunadefend/config';
import { ENTRY_POINTS, REPO_ROOT, listeningPort, receiverReportCounts, receiverTotals, spawnService, utcDay, type ServiceProcess } from '@lunadefend/testkit';
import { unavailablePorts, type PortNeed } from './ports.js';
import { formatMetrics, printChildLine, say, subtractMetrics } from './output.js';
import { createTrafficGenerator, type TrafficGenerator } from './traffic.js';

const WINDOW = '15s';
const SEND_JITTER = '2s';
const REQUESTS_PER_SECOND = 3;
const SUMMARY_EVERY_MS = 5_000;
const TOKENIZER_EXPORT_INTERVAL_MS = 2_000;
const RECEIVER_PORT = 8080;
const OTLP_PORT = 4318;
const TOKENIZER_PORT = 3000;
const CONFIG_FILE = 'otel-collector.yaml';
const DATA_DIR = 'data';
const STATE_DIR = './data/collector';
const LOG_DIR = join(DATA_DIR, 'logs');

/** The user's own opt-out settings are passed on: `LUNADEFEND_TELEMETRY=off npm start` shows the switch. */
const OPT_OUT_VARIABLES = ['LUNADEFEND_TELEMETRY', 'DO_NOT_TRACK', 'OTEL_SDK_DISABLED', 'OTEL_METRICS_EXPORTER'] as const;

const receiverUrl = `http://127.0.0.1:${RECEIVER_PORT}`;
const tokenizerUrl = `http://127.0.0.1:${TOKENIZER_PORT}`;
// A fresh admin token per demo session. Printing it is the point: it is the key to the local
// receiver's stats API and dashboard, which exist only for this session on this machine.
const adminToken = randomBytes(24).toString('base64url');

const optOut: NodeJS.ProcessEnv = Object.fromEntries(
  OPT_OUT_VARIABLES.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])),
);
const collectorEnv: NodeJS.ProcessEnv = {
  LUNADEFEND_OTLP_ENDPOINT: `127.0.0.1:${OTLP_PORT}`,
  LUNADEFEND_WINDOW: WINDOW,
  LUNADEFEND_SEND_JITTER: SEND_JITTER,
  LUNADEFEND_METRICS_ENDPOINT: `${receiverUrl}/v1/reports`,
  LUNADEFEND_STATE_DIR: STATE_DIR,
};
/** The settings `preview` and `status` need to read this demo's collector the way it runs. */
const commandEnv = Object.entries({ ...collectorEnv, ...optOut })
  .filter(([name]) => name !== 'LUNADEFEND_OTLP_ENDPOINT')
  .map(([name, value]) => `${name}=${value ?? ''}`)
  .join(' ');

let traffic: TrafficGenerator | undefined;
let summaryTimer: NodeJS.Timeout | undefined;
const started: ServiceProcess[] = [];
let stopping: Promise<never> | undefined;

/** Stops the traffic, then every child in reverse start order (tokenizer, collector, receiver), then exits. */
function shutdown(reason: string, exitCode: number): Promise<never> {
  stopping ??= (async () => {
    if (summaryTimer !== undefined) clearInterval(summaryTimer);
    say(`${reason}: stopping`);
    await traffic?.stop();
    for (const service of [...started].reverse()) {
      const code = await service.stop('SIGTERM');
      say(`  ${service.name} stopped${code === 0 ? '' : ` (exit ${code ?? 'by signal'})`}`);
    }
    say('all processes stopped; the data stays in ./data (delete it to start afresh)');
    process.exit(exitCode);
  })();
  return stopping;
}

function watch(service: ServiceProcess): void {
  void service.exited.then((code) => {
    if (stopping === undefined) void shutdown(`the ${service.name} exited unexpectedly (exit ${code ?? 'by signal'}; log: ${join(LOG_DIR, `${service.name}.log`)})`, 1);
  });
}

async function start(name: string, entry: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const service = spawnService({ name, entry, args, env, detached: true, logFile: join(LOG_DIR, `${name}.log`), onLine: (text, line) => printChildLine(name, text, line) });
  started.push(service);
  try {
    const port = await listeningPort(service, 30_000);
    watch(service);
    return port;
  } catch (error) {
    return shutdown(`the ${name} did not start (log: ${join(LOG_DIR, `${name}.log`)}): ${(error as Error).message.split('\n')[0] ?? ''}`, 1);
  }
}

/** What the receiver held when the demo started: summaries show what arrived since. */
let heldAtStart: ReportMetrics | undefined;

async function printSummary(): Promise<void> {
  const sent = traffic === undefined ? '' : `sent ${formatMetrics(traffic.client.counts)}`;
  try {
    const [session, held] = await Promise.all([receiverReportCounts(receiverUrl), receiverTotals(receiverUrl, adminToken, REPORT_KEYS)]);
    const arrived = heldAtStart === undefined ? held.totals : subtractMetrics(held.totals, heldAtStart);
    say(`${sent} | receiver got ${session.accepted} report(s): ${formatMetrics(arrived)}`);
  } catch (error) {
    say(`${sent} | receiver not answering: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  process.chdir(REPO_ROOT);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(`${signal} received`, 0));

  say('LunaDefend Metrics: local demo (receiver + collector sidecar + example tokenizer + traffic)');
  say(`The report window is shortened to ${WINDOW} (LUNADEFEND_WINDOW=${WINDOW}; production uses 24h) and the send jitter to ${SEND_JITTER}`);
  say(`(LUNADEFEND_SEND_JITTER=${SEND_JITTER}), so a report reaches the receiver shortly after every ${WINDOW} window ends.`);
  const modeSettings = Object.entries(optOut).map(([name, value]) => `${name}=${value}`);
  if (modeSettings.length > 0) say(`Passing on your telemetry settings: ${modeSettings.join(' ')}`);

  const { config } = loadCollectorConfigFile(CONFIG_FILE, { ...collectorEnv, ...optOut });
  const health = parseHostPort(config.extensions.health_check.endpoint);
  const ownMetrics = parseHostPort(config.service.telemetry.metrics.address);
  const needs: PortNeed[] = [
    { owner: 'receiver (reports, stats API, dashboard)', host: '127.0.0.1', port: RECEIVER_PORT },
    { owner: 'collector OTLP intake', host: '127.0.0.1', port: OTLP_PORT },
    { owner: 'example tokenizer', host: undefined, port: TOKENIZER_PORT },
    ...(health === undefined ? [] : [{ owner: `collector health check (${CONFIG_FILE})`, host: health.host, port: health.port }]),
    ...(ownMetrics === undefined ? [] : [{ owner: `collector own metrics (${CONFIG_FILE})`, host: ownMetrics.host, port: ownMetrics.port }]),
  ];
  const problems = await unavailablePorts(needs);
  if (problems.length > 0) {
    for (const problem of problems) say(`cannot start: ${problem}`);
    say('Stop whatever holds these ports (another `npm start`, `docker compose up`, …) and try again.');
    process.exit(1);
  }

  mkdirSync(LOG_DIR, { recursive: true });
  await start('receiver', ENTRY_POINTS.receiver, ['serve'], {
    HOST: '127.0.0.1',
    PORT: String(RECEIVER_PORT),
    LUNADEFEND_WINDOW: WINDOW,
    LUNADEFEND_ADMIN_TOKEN: adminToken,
  });
  heldAtStart = (await receiverTotals(receiverUrl, adminToken, REPORT_KEYS)).totals;
  await start('collector', ENTRY_POINTS.collector, ['run', '--config', CONFIG_FILE], { ...collectorEnv, ...optOut });
  await start('tokenizer', ENTRY_POINTS.tokenizer, [], {
    PORT: String(TOKENIZER_PORT),
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}`,
    OTEL_METRIC_EXPORT_INTERVAL: String(TOKENIZER_EXPORT_INTERVAL_MS),
    ...optOut,
  });
  if (stopping !== undefined) return;

  const today = utcDay(Date.now());
  say('');
  say('Running. Where to look:');
  say(`  admin token  ${adminToken}   (generated for this demo session only)`);
  say(`  dashboard    ${receiverUrl}/dashboard   (sign in with the admin token)`);
  say(`  stats API    curl -H "Authorization: Bearer ${adminToken}" "${receiverUrl}/v1/stats/daily?from=${today}&to=${today}"`);
  say(`  collector    OTLP ${`http://127.0.0.1:${OTLP_PORT}/v1/metrics`}, own metrics http://${config.service.telemetry.metrics.address}/metrics`);
  say(`  tokenizer    ${tokenizerUrl}   (~${REQUESTS_PER_SECOND} requests/s, some failing on purpose)`);
  say('  what would leave this deployment, byte for byte (open window and outbox):');
  say(`    ${commandEnv} node ${ENTRY_POINTS.collector} preview --config ${CONFIG_FILE}`);
  say('  what the collector is doing (mode, outbox, last send):');
  say(`    ${commandEnv} node ${ENTRY_POINTS.collector} status --config ${CONFIG_FILE}`);
  say(`  logs         ${LOG_DIR}/{receiver,collector,tokenizer}.log`);
  const mode = decideTelemetryMode(optOut).mode;
  if (mode === 'off') say('Telemetry is off: the tokenizer works as usual, sends nothing, and the receiver gets no report.');
  else if (mode === 'local') say('Telemetry is local: the collector keeps its reports in its ledger (see preview and status) and sends none.');
  else say(`Reports arrive within two ${WINDOW} windows.`);
  say(`Every ${SUMMARY_EVERY_MS / 1000}s: requests sent to the tokenizer vs what reached the receiver since the demo started,`);
  say('as ok/failed per operation (the first report may carry a window a previous session left open). Ctrl-C stops everything.');
  say('');

  traffic = createTrafficGenerator(tokenizerUrl, REQUESTS_PER_SECOND);
  traffic.start();
  summaryTimer = setInterval(() => void printSummary(), SUMMARY_EVERY_MS);
}

main().catch((error: unknown) => {
  void shutdown(`demo failed: ${error instanceof Error ? error.message : String(error)}`, 1);
});
