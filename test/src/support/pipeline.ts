// The three parts as real processes for end-to-end tests: the receiver, the collector and the
// example tokenizer, each started from its built dist/ with only the variables a test gives it,
// on ports the OS picks. Every process is tracked by the test kit's launcher, so
// `stopAllServices()` in an afterEach (scratch.ts) ends whatever a failed test left running.

import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { REPORT_KEYS, zeroMetrics, type ReportMetrics } from '@lunadefend/config';
import {
  ENTRY_POINTS,
  createTokenizerClient,
  listeningPort,
  prometheusSum,
  receiverTotals,
  runEntry,
  spawnService,
  writeCollectorConfig,
  type CollectorConfigOptions,
  type EntryResult,
  type ServiceProcess,
  type TokenizerClient,
} from '@lunadefend/testkit';

/** The window of every end-to-end pipeline: reports within seconds. */
export const E2E_WINDOW = '2s';

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
  /** The stats API's totals over the days around now, per report key. */
  totals(): Promise<ReportMetrics>;
}

/** The receiver's SQLite database in a test's directory. */
export function sqliteIn(dir: string): ReceiverDatabase {
  return { kind: 'sqlite', path: join(dir, 'receiver.db') };
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
  const totals = async () => (await receiverTotals(url, adminToken, REPORT_KEYS)).totals;
  return { service, port, url, reportsUrl: `${url}/v1/reports`, adminToken, totals };
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
  /** A client of this tokenizer that keeps score per report key. */
  readonly client: TokenizerClient<ReportMetrics>;
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
  const url = `http://127.0.0.1:${port}`;
  return { service, url, client: createTokenizerClient(url, zeroMetrics()) };
}

export interface SidecarOptions extends Omit<CollectorConfigOptions, 'stateDirectory' | 'window'> {
  /** Default E2E_WINDOW. */
  readonly window?: string;
  /** The collector's environment (e.g. the ingest key its configuration refers to). */
  readonly collectorEnv?: NodeJS.ProcessEnv;
  readonly version: string;
  readonly stackId?: string;
  /** The tokenizer's export interval (default: startTokenizer's). */
  readonly exportIntervalMs?: number;
}

export interface RunningSidecar {
  readonly stateDirectory: string;
  readonly configPath: string;
  readonly collector: RunningCollector;
  readonly tokenizer: RunningTokenizer;
  readonly client: TokenizerClient<ReportMetrics>;
}

/** A collector (state and configuration in `dir`) and the example tokenizer exporting to it. */
export async function startSidecar(dir: string, options: SidecarOptions): Promise<RunningSidecar> {
  const { collectorEnv, version, stackId, window, exportIntervalMs, ...config } = options;
  const stateDirectory = join(dir, 'collector-state');
  const configPath = writeCollectorConfig(dir, { ...config, stateDirectory, window: window ?? E2E_WINDOW });
  const collector = await startCollector(configPath, collectorEnv);
  const tokenizer = await startTokenizer({ otlpEndpoint: collector.otlpUrl, stackId: stackId ?? randomUUID(), version, exportIntervalMs });
  return { stateDirectory, configPath, collector, tokenizer, client: tokenizer.client };
}

export type CliResult = EntryResult;

/** Runs a collector CLI command (`preview`, `status`, `validate`) to completion, as an operator would. */
export function runCollectorCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  return runEntry(ENTRY_POINTS.collector, args, env);
}

/** Runs a receiver CLI command (`keygen`, `import`, …) to completion. */
export function runReceiverCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  return runEntry(ENTRY_POINTS.receiver, args, env, 60_000);
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

export interface PipelineOptions extends Omit<SidecarOptions, 'endpoint'> {
  /** The receiver's database (default SQLite in `dir`). */
  readonly database?: ReceiverDatabase;
  /** The receiver's window, when a test makes it differ from the collector's. */
  readonly receiverWindow?: string;
  readonly receiverEnv?: NodeJS.ProcessEnv;
}

export interface RunningPipeline extends RunningSidecar {
  readonly database: ReceiverDatabase;
  readonly receiver: RunningReceiver;
}

/** Receiver, then collector sending to it, then the tokenizer exporting to the collector. */
export async function startPipeline(dir: string, options: PipelineOptions): Promise<RunningPipeline> {
  const { database = sqliteIn(dir), receiverWindow, receiverEnv, ...sidecar } = options;
  const receiver = await startReceiver({ database, window: receiverWindow ?? sidecar.window ?? E2E_WINDOW, env: receiverEnv });
  return { database, receiver, ...(await startSidecar(dir, { ...sidecar, endpoint: receiver.reportsUrl })) };
}
