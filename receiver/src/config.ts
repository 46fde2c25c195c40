// The receiver's configuration, read once from environment variables at start-up. Every value is
// checked here; a bad one stops start-up with a message naming the variable and the value (secrets
// are described, never echoed). After start-up the frozen config is the only source of settings.

import { existsSync, readFileSync } from 'node:fs';
import { DAY_MS, REPORT_KEYS, parseByteSize, parseDuration, windowRuleProblem, type ReportKey } from '@lunadefend/config';
import { DEFAULT_PLAUSIBILITY_BOUNDS_PER_DAY } from './ingest/plausibility.js';
import { parseIngestKeys } from './auth/ingest-keys.js';
import { parseEpsilon, toNumber } from './privacy/calibration.js';
import { DEFAULT_SQLITE_PATH, parseDatabaseUrl, type StorageTarget } from './storage/open-storage.js';

export interface RateLimit {
  /** Requests allowed per `perMs` (also the burst size). */
  readonly requests: number;
  readonly perMs: number;
}

export interface ReceiverConfig {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly database: StorageTarget;
  readonly databasePoolSize: number;
  readonly adminToken: string | undefined;
  readonly alertWebhookUrl: string | undefined;
  readonly retentionDays: number;
  /** Length of the collectors' report window (24h in production). */
  readonly windowMs: number;
  /** Reports whose window ended longer ago than this are refused. */
  readonly maxReportAgeMs: number;
  /** How far in the future a window may end (clock differences). */
  readonly clockSkewMs: number;
  readonly maxBodyBytes: number;
  /** Longest pause between two parts of a request body (a report is a few hundred bytes). */
  readonly bodyTimeoutMs: number;
  /** Undefined: no limit. */
  readonly clientRateLimit: RateLimit | undefined;
  readonly stackRateLimit: RateLimit | undefined;
  readonly maxReportsPerWindow: number;
  /** Largest plausible count per metric in 24 hours; scaled to the window length. */
  readonly plausibilityBoundsPerDay: Readonly<Record<ReportKey, number>>;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly publicMinCohort: number;
  /** ε of each number published on /stats (a decimal, kept exact). */
  readonly publicEpsilon: string;
  /** Probability that /stats names a version held by a single deployment. */
  readonly publicDelta: number;
  /** Per-deployment, per-UTC-day bound of each counter in the public totals. */
  readonly publicClampPerDay: Readonly<Record<ReportKey, number>>;
  /** A stack id counts on /stats only after reports received on this many distinct UTC days before the week... */
  readonly publicMinReceiptDays: number;
  /** ...within this many days before it. */
  readonly publicHistoryDays: number;
  /** Secret that fixes the noise of every published number; shared by replicas. Undefined: random per process. */
  readonly publicNoiseKey: string | undefined;
  /** LUNADEFEND_INGEST_KEYS: a file of ingest key hashes; reports need a listed key. Undefined: anonymous reports (the default). */
  readonly ingestKeysFile: string | undefined;
  /** The origin browsers use to reach the receiver (scheme, host, port); the dashboard's same-origin check compares with it. */
  readonly publicUrl: string | undefined;
  /** express "trust proxy": false, a hop count, or a list of trusted addresses/subnets. */
  readonly trustProxy: boolean | number | string;
  readonly logLevel: string;
  /** Signer key of the transparency log (created by `lunadefend-receiver keygen`); unset: checkpoints off. */
  readonly logKeyFile: string | undefined;
}

export class ReceiverConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly shownValue: string,
    reason: string,
  ) {
    super(`${variable}=${shownValue}: ${reason}`);
    this.name = 'ReceiverConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function defaultReceiverConfig(): ReceiverConfig {
  return {
    host: '127.0.0.1',
    port: 8080,
    database: { kind: 'sqlite', path: DEFAULT_SQLITE_PATH },
    databasePoolSize: 10,
    adminToken: undefined,
    alertWebhookUrl: undefined,
    retentionDays: 400,
    windowMs: DAY_MS,
    maxReportAgeMs: 32 * DAY_MS,
    clockSkewMs: 5 * 60_000,
    maxBodyBytes: 16_384,
    bodyTimeoutMs: 10_000,
    clientRateLimit: { requests: 120, perMs: 60_000 },
    stackRateLimit: { requests: 60, perMs: 60_000 },
    maxReportsPerWindow: 4,
    plausibilityBoundsPerDay: { ...DEFAULT_PLAUSIBILITY_BOUNDS_PER_DAY },
    tls: undefined,
    publicMinCohort: 10,
    publicUrl: undefined,
    ingestKeysFile: undefined,
    publicEpsilon: '1',
    publicDelta: 1e-6,
    publicClampPerDay: Object.fromEntries(REPORT_KEYS.map((key) => [key, 10_000])) as Record<ReportKey, number>,
    publicMinReceiptDays: 3,
    publicHistoryDays: 28,
    publicNoiseKey: undefined,
    trustProxy: false,
    logLevel: 'info',
    logKeyFile: undefined,
  };
}

/** Reads and checks every variable; throws ReceiverConfigError on the first bad one. */
export function loadReceiverConfig(env: NodeJS.ProcessEnv): ReceiverConfig {
  const d = defaultReceiverConfig();
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const fail = (name: string, shown: string, reason: string): never => {
    throw new ReceiverConfigError(name, shown, reason);
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      return fail(name, JSON.stringify(raw), `must be an integer from ${min} to ${max}`);
    }
    return n;
  };
  const duration = (name: string, fallback: number, minMs: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const ms = parseDuration(raw);
    if (ms === undefined || ms < minMs) return fail(name, JSON.stringify(raw), `must be a duration such as 30s, 5m or 24h, at least ${minMs} ms`);
    return ms;
  };
  const rateLimit = (name: string, fallback: RateLimit | undefined): RateLimit | undefined => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (raw === 'off') return undefined;
    const match = /^(\d+)\/(.+)$/.exec(raw);
    const requests = match === null ? Number.NaN : Number(match[1]);
    const perMs = match === null ? undefined : parseDuration(match[2] ?? '');
    if (!Number.isSafeInteger(requests) || requests < 1 || perMs === undefined || perMs < 1) {
      return fail(name, JSON.stringify(raw), 'must be <requests>/<duration> such as 120/1m, or off');
    }
    return { requests, perMs };
  };
  const url = (name: string, protocols: readonly string[]): string | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (protocols.includes(parsed.protocol)) return raw;
    } catch {
      // reported below
    }
    // Webhook URLs often carry a secret in their path: only the scheme is shown.
    return fail(name, `<${raw.split(':')[0] ?? ''}: URL>`, `must be an absolute ${protocols.join(' or ')} URL`);
  };

  const port = integer('PORT', d.port, 0, 65_535);
  const host = get('HOST') ?? d.host;
  if (/\s/.test(host)) fail('HOST', JSON.stringify(host), 'must be a host name or address');

  const databaseRaw = get('DATABASE_URL');
  const database = parseDatabaseUrl(databaseRaw);
  if (database === undefined) {
    fail('DATABASE_URL', redactUrl(databaseRaw ?? ''), 'must be sqlite:<path> or a postgres:// / postgresql:// URL');
  }

  const adminToken = get('LUNADEFEND_ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < 16) {
    fail('LUNADEFEND_ADMIN_TOKEN', `<secret, ${adminToken.length} characters>`, 'must be at least 16 characters');
  }

  const windowMs = duration('LUNADEFEND_WINDOW', d.windowMs, 1000);
  const windowProblem = windowRuleProblem(windowMs);
  if (windowProblem !== undefined) fail('LUNADEFEND_WINDOW', JSON.stringify(get('LUNADEFEND_WINDOW')), windowProblem);

  const certFile = get('LUNADEFEND_TLS_CERT_FILE');
  const keyFile = get('LUNADEFEND_TLS_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    const missing = certFile === undefined ? 'LUNADEFEND_TLS_CERT_FILE' : 'LUNADEFEND_TLS_KEY_FILE';
    fail(missing, '(unset)', 'LUNADEFEND_TLS_CERT_FILE and LUNADEFEND_TLS_KEY_FILE must be set together');
  }
  for (const [name, file] of [['LUNADEFEND_TLS_CERT_FILE', certFile], ['LUNADEFEND_TLS_KEY_FILE', keyFile]] as const) {
    if (file !== undefined && !existsSync(file)) fail(name, JSON.stringify(file), 'file does not exist');
  }

  const logKeyFile = get('LUNADEFEND_LOG_KEY_FILE');
  if (logKeyFile !== undefined && !existsSync(logKeyFile)) {
    fail('LUNADEFEND_LOG_KEY_FILE', JSON.stringify(logKeyFile), 'file does not exist; create it once with `lunadefend-receiver keygen` and give every replica the same file');
  }

  const logLevel = get('LUNADEFEND_LOG_LEVEL') ?? d.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail('LUNADEFEND_LOG_LEVEL', JSON.stringify(logLevel), `must be one of ${LOG_LEVELS.join(', ')}`);

  const config: ReceiverConfig = {
    host,
    port,
    database: database!,
    databasePoolSize: integer('LUNADEFEND_DATABASE_POOL_SIZE', d.databasePoolSize, 1, 1000),
    adminToken,
    alertWebhookUrl: url('LUNADEFEND_ALERT_WEBHOOK_URL', ['http:', 'https:']),
    retentionDays: integer('LUNADEFEND_RETENTION_DAYS', d.retentionDays, 1, 36_500),
    windowMs,
    maxReportAgeMs: duration('LUNADEFEND_MAX_REPORT_AGE', d.maxReportAgeMs, 1000),
    clockSkewMs: duration('LUNADEFEND_CLOCK_SKEW', d.clockSkewMs, 0),
    maxBodyBytes: byteSize('LUNADEFEND_MAX_BODY_BYTES', get('LUNADEFEND_MAX_BODY_BYTES'), d.maxBodyBytes, fail),
    bodyTimeoutMs: duration('LUNADEFEND_BODY_TIMEOUT', d.bodyTimeoutMs, 100),
    clientRateLimit: rateLimit('LUNADEFEND_RATE_LIMIT_PER_CLIENT', d.clientRateLimit),
    stackRateLimit: rateLimit('LUNADEFEND_RATE_LIMIT_PER_STACK', d.stackRateLimit),
    maxReportsPerWindow: integer('LUNADEFEND_MAX_REPORTS_PER_WINDOW', d.maxReportsPerWindow, 1, 1000),
    plausibilityBoundsPerDay: bounds(get('LUNADEFEND_PLAUSIBILITY_BOUNDS'), d.plausibilityBoundsPerDay, fail),
    tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined,
    publicMinCohort: integer('LUNADEFEND_PUBLIC_MIN_COHORT', d.publicMinCohort, 1, 1_000_000),
    publicUrl: publicOrigin(get('LUNADEFEND_PUBLIC_URL'), fail),
    ingestKeysFile: ingestKeysFile(get('LUNADEFEND_INGEST_KEYS'), fail),
    publicEpsilon: epsilon(get('LUNADEFEND_PUBLIC_EPSILON'), d.publicEpsilon, fail),
    publicDelta: probability(get('LUNADEFEND_PUBLIC_DELTA'), d.publicDelta, fail),
    publicClampPerDay: bounds(get('LUNADEFEND_PUBLIC_CLAMP_PER_DAY'), d.publicClampPerDay, fail, 'LUNADEFEND_PUBLIC_CLAMP_PER_DAY'),
    publicMinReceiptDays: integer('LUNADEFEND_PUBLIC_MIN_RECEIPT_DAYS', d.publicMinReceiptDays, 1, 366),
    publicHistoryDays: integer('LUNADEFEND_PUBLIC_HISTORY_DAYS', d.publicHistoryDays, 1, 366),
    publicNoiseKey: noiseKey(get('LUNADEFEND_PUBLIC_NOISE_KEY'), fail),
    trustProxy: trustProxy(get('LUNADEFEND_TRUST_PROXY'), fail),
    logLevel,
    logKeyFile,
  };
  if (config.trustProxy !== false && config.adminToken !== undefined && config.publicUrl === undefined) {
    fail('LUNADEFEND_PUBLIC_URL', '(unset)', 'must be set when LUNADEFEND_TRUST_PROXY and LUNADEFEND_ADMIN_TOKEN are: behind a proxy the dashboard cannot tell its own origin');
  }
  if (config.maxReportAgeMs >= config.retentionDays * DAY_MS) {
    fail('LUNADEFEND_MAX_REPORT_AGE', JSON.stringify(get('LUNADEFEND_MAX_REPORT_AGE') ?? '768h'), 'must be shorter than LUNADEFEND_RETENTION_DAYS');
  }
  return Object.freeze(config);
}

type Fail = (name: string, shown: string, reason: string) => never;

function byteSize(name: string, raw: string | undefined, fallback: number, fail: Fail): number {
  if (raw === undefined) return fallback;
  const bytes = parseByteSize(raw);
  if (bytes === undefined || bytes < 1024 || bytes > 1_048_576) {
    return fail(name, JSON.stringify(raw), 'must be a size from 1KiB to 1MiB, e.g. 16384 or 16KiB');
  }
  return bytes;
}

function bounds(
  raw: string | undefined,
  fallback: Readonly<Record<ReportKey, number>>,
  fail: Fail,
  name = 'LUNADEFEND_PLAUSIBILITY_BOUNDS',
): Record<ReportKey, number> {
  const out = { ...fallback };
  if (raw === undefined) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail(name, JSON.stringify(raw), 'must be a JSON object such as {"tokenizeSuccess":1000000000}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(name, JSON.stringify(raw), 'must be a JSON object of report keys to counts per 24h');
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (!(REPORT_KEYS as readonly string[]).includes(key)) {
      fail(name, JSON.stringify(raw), `unknown report key ${JSON.stringify(key)} (known: ${REPORT_KEYS.join(', ')})`);
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      fail(name, JSON.stringify(raw), `${key} must be a positive integer`);
    }
    out[key as ReportKey] = value as number;
  }
  return out;
}

function ingestKeysFile(raw: string | undefined, fail: Fail): string | undefined {
  if (raw === undefined) return undefined;
  if (!existsSync(raw)) return fail('LUNADEFEND_INGEST_KEYS', JSON.stringify(raw), 'file does not exist');
  try {
    parseIngestKeys(readFileSync(raw, 'utf8'));
  } catch (error) {
    return fail('LUNADEFEND_INGEST_KEYS', JSON.stringify(raw), (error as Error).message);
  }
  return raw;
}

function epsilon(raw: string | undefined, fallback: string, fail: Fail): string {
  if (raw === undefined) return fallback;
  const parsed = parseEpsilon(raw);
  if (parsed === undefined || toNumber(parsed) > 10) {
    return fail('LUNADEFEND_PUBLIC_EPSILON', JSON.stringify(raw), 'must be a decimal above 0 and at most 10, at most 6 decimal places, e.g. 0.5');
  }
  return raw;
}

function probability(raw: string | undefined, fallback: number, fail: Fail): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[0-9.eE+-]+$/.test(raw) || !(value > 0) || value > 0.01) {
    return fail('LUNADEFEND_PUBLIC_DELTA', JSON.stringify(raw), 'must be a number above 0 and at most 0.01, e.g. 1e-6');
  }
  return value;
}

function noiseKey(raw: string | undefined, fail: Fail): string | undefined {
  if (raw !== undefined && raw.length < 32) {
    fail('LUNADEFEND_PUBLIC_NOISE_KEY', `<secret, ${raw.length} characters>`, 'must be at least 32 characters');
  }
  return raw;
}

/** The origin of an http(s) URL without path, query or credentials, e.g. https://metrics.example.com. */
function publicOrigin(raw: string | undefined, fail: Fail): string | undefined {
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (
    parsed === undefined ||
    !['http:', 'https:'].includes(parsed.protocol) ||
    parsed.username !== '' ||
    parsed.password !== '' ||
    (parsed.pathname !== '/' && parsed.pathname !== '') ||
    parsed.search !== '' ||
    parsed.hash !== ''
  ) {
    return fail('LUNADEFEND_PUBLIC_URL', JSON.stringify(raw), 'must be an http(s) origin such as https://metrics.example.com (no path)');
  }
  return parsed.origin;
}

function trustProxy(raw: string | undefined, fail: Fail): boolean | number | string {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') {
    return fail('LUNADEFEND_TRUST_PROXY', '"true"', 'trusting every hop lets any client pick its rate-limit key; give a hop count or addresses');
  }
  if (/^\d+$/.test(raw)) return Number(raw);
  if (/^[0-9a-zA-Z.:/,\s-]+$/.test(raw)) return raw;
  return fail('LUNADEFEND_TRUST_PROXY', JSON.stringify(raw), 'must be false, a hop count, or addresses/subnets such as loopback or 10.0.0.0/8');
}

/** A URL with its password replaced, for messages. */
export function redactUrl(raw: string): string {
  try {
    const parsed = new URL(raw);
    if (parsed.password !== '') parsed.password = '***';
    return JSON.stringify(parsed.toString());
  } catch {
    return JSON.stringify(raw.replace(/\/\/[^@/]*@/, '//***@'));
  }
}
