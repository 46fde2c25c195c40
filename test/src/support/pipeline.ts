// The three parts as real processes for end-to-end tests: the receiver, the collector and the
// example tokenizer, each started from its built dist/ with only the variables a test gives it,
// on ports the OS picks. Every process is tracked by process.ts, so `stopAllServices()` in an
// afterEach ends whatever a failed test left running.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ENTRY_POINTS, REPO_ROOT, listeningPort, spawnService, type ServiceProcess } from './process.js';
import { prometheusSum } from './receiver-stats.js';

/** Where a receiver keeps its reports. */
export type ReceiverDatabase = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export interface ReceiverOptions {
  readonly database: ReceiverDatabase;
  /** Must equal the collectors' window. */
  readonly window: string;
  /** 0 (default) lets the OS pick; a restarted receiver passes its previous port. */
  readonly port?: number;
  readonly adminToken?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunningReceiver {
  readonly service: ServiceProcess;
  readonly port: number;
  readonly url: string;
  readonly reportsUrl: string;
  readonly adminToken: string;
}

export function databaseUrl(database: ReceiverDatabase): string {
  return database.kind === 'sqlite' ? `sqlite:${database.path}` : database.url;
}

export async function startReceiver(options: ReceiverOptions): Promise<RunningReceiver> {
  const adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
  const service = spawnService({
    name: 'receiver',
    entry: ENTRY_POINTS.receiver,
    args: ['serve'],
    env: {
      HOST: '127.0.0.1',
      PORT: String(options.port ?? 0),
      DATABASE_URL: databaseUrl(options.database),
      LUNADEFEND_WINDOW: options.window,
      LUNADEFEND_ADMIN_TOKEN: adminToken,
      ...options.env,
    },
  });
  const port = await listeningPort(service, 30_000);
  const url = `http://127.0.0.1:${port}`;
  return { service, port, url, reportsUrl: `${url}/v1/reports`, adminToken };
}

export interface RunningCollector {
  readonly service: ServiceProcess;
  readonly otlpPort: number;
  readonly otlpUrl: string;
  readonly metricsUrl: string;
}

/** `node processor/dist/main.js run --config <configPath>`. */
export async function startCollector(configPath: string, env: NodeJS.ProcessEnv = {}): Promise<RunningCollector> {
  const service = spawnService({ name: 'collector', entry: ENTRY_POINTS.collector, args: ['run', '--config', configPath], env });
  const line = await service.waitForLine((l) => l.msg === 'listening' && typeof l.port === 'number' && typeof l.metricsPort === 'number', 30_000);
  const otlpPort = line.port as number;
  return { service, otlpPort, otlpUrl: `http://127.0.0.1:${otlpPort}`, metricsUrl: `http://127.0.0.1:${line.metricsPort as number}/metrics` };
}

/** A metric of the collector's own Prometheus metrics, summed over its label sets. */
export async function collectorMetric(collector: RunningCollector, name: string): Promise<number> {
  const response = await fetch(collector.metricsUrl, { signal: AbortSignal.timeout(5_000) });
  return prometheusSum(await response.text(), name);
}

export interface TokenizerOptions {
  /** Base URL of the OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly otlpEndpoint: string;
  readonly stackId: string;
  readonly version: string;
  /**
   * OTEL_METRIC_EXPORT_INTERVAL in ms (default 1000). The SDK also caps each export's timeout at
   * the interval, and the final export at shutdown has no successor to carry what it loses: a
   * shorter interval risks that export timing out while a loaded machine fsyncs the collector's state.
   */
  readonly exportIntervalMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunningTokenizer {
  readonly service: ServiceProcess;
  readonly url: string;
}

export async function startTokenizer(options: TokenizerOptions): Promise<RunningTokenizer> {
  const service = spawnService({
    name: 'tokenizer',
    entry: ENTRY_POINTS.tokenizer,
    env: {
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
      OTEL_METRIC_EXPORT_INTERVAL: String(options.exportIntervalMs ?? 1000),
      LUNADEFEND_STACK_ID: options.stackId,
      LUNADEFEND_SERVICE_VERSION: options.version,
      ...options.env,
    },
  });
  const port = await listeningPort(service, 30_000);
  return { service, url: `http://127.0.0.1:${port}` };
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a collector CLI command (`preview`, `status`, `validate`) to completion, as an operator would. */
export function runCollectorCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [ENTRY_POINTS.collector, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a receiver CLI command (`keygen`, `import`, …) to completion. */
export function runReceiverCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [ENTRY_POINTS.receiver, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The report lines of `preview` output, split into its two sections. */
export function parsePreview(stdout: string): { open: string[]; outbox: string[] } {
  const sections: { open: string[]; outbox: string[] } = { open: [], outbox: [] };
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('# open windows')) current = sections.open;
    else if (line.startsWith('# outbox')) current = sections.outbox;
    else if (line !== '' && !line.startsWith('#')) current?.push(line);
  }
  return sections;
}
