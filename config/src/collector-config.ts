// Loads otel-collector.yaml: YAML → environment substitution in scalars → validation against the
// schema in collector-config-schema.ts → a typed, frozen result. Every error names the key.

import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { COLLECTOR_CONFIG_SCHEMA, type LeafNode, type ObjectNode } from './collector-config-schema.js';
import { EnvSubstitutionError, substituteEnv } from './env-substitution.js';
import { deepFreeze } from './freeze.js';
import { formatDuration, parseByteSize, parseDuration } from './units.js';
import { windowRuleProblem } from './window-rule.js';
import { parseNoteVerifier } from './transparency/signed-note.js';

/** The loaded configuration. Durations are milliseconds, sizes are bytes. */
export interface CollectorConfig {
  readonly receivers: {
    readonly otlp: {
      readonly protocols: { readonly http: { readonly endpoint: string; readonly max_request_body_size: number } };
    };
  };
  readonly processors: {
    readonly lunadefend_aggregate: {
      readonly window: number;
      readonly send_jitter: number;
      readonly max_streams: number;
      readonly max_streams_per_producer: number;
      readonly stream_staleness: number;
    };
  };
  readonly exporters: {
    readonly lunadefend: {
      readonly endpoint: string;
      readonly timeout: number;
      /** '' when no key is configured. */
      readonly ingest_key: string;
      readonly retry_on_failure: { readonly initial_interval: number; readonly max_interval: number; readonly max_age: number };
      /** Verifier key text, or '' for trust on first use. */
      readonly log_public_key: string;
    };
  };
  readonly extensions: {
    readonly health_check: { readonly endpoint: string };
    readonly file_storage: { readonly directory: string };
  };
  readonly service: {
    readonly extensions: readonly string[];
    readonly pipelines: {
      readonly metrics: { readonly receivers: readonly string[]; readonly processors: readonly string[]; readonly exporters: readonly string[] };
    };
    readonly telemetry: { readonly metrics: { readonly address: string } };
  };
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  /** Dotted path of the offending key ('' for the document itself). */
  readonly key: string;
  constructor(key: string, message: string) {
    super(key === '' ? message : `${key}: ${message}`);
    this.name = 'ConfigError';
    this.key = key;
  }
}

export interface LoadResult {
  readonly config: CollectorConfig;
  /** Non-fatal findings, e.g. a referenced variable that is not set. */
  readonly warnings: readonly string[];
}

/** Reads and loads a configuration file. Throws ConfigError naming the file or key. */
export function loadCollectorConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('', `cannot read config file "${path}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return loadCollectorConfig(text, env);
}

/** Loads a configuration from YAML text. Throws ConfigError naming the key and value. */
export function loadCollectorConfig(yamlText: string, env: NodeJS.ProcessEnv = process.env): LoadResult {
  let document: unknown;
  try {
    document = parseYaml(yamlText) ?? {};
  } catch (error) {
    const where = error instanceof YAMLParseError ? ` at line ${error.linePos?.[0]?.line ?? '?'}` : '';
    throw new ConfigError('', `not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`);
  }
  const warnings: string[] = [];
  const config = readObject(COLLECTOR_CONFIG_SCHEMA, document, '', env, warnings) as unknown as CollectorConfig;
  checkPipelineReferences(config);
  const windowMs = config.processors.lunadefend_aggregate.window;
  const windowProblem = windowRuleProblem(windowMs);
  if (windowProblem !== undefined) throw new ConfigError('processors.lunadefend_aggregate.window', `${formatDuration(windowMs)} ${windowProblem}`);
  return { config: deepFreeze(config), warnings };
}

function readObject(node: ObjectNode, value: unknown, path: string, env: NodeJS.ProcessEnv, warnings: string[]): Record<string, unknown> {
  if (value === null || value === undefined) value = {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(path, `must be a mapping, got ${describe(value)}`);
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(node.fields, key)) {
      const known = Object.keys(node.fields).join(', ');
      throw new ConfigError(join(path, key), `unknown key (known keys here: ${known})`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node.fields)) {
    const childPath = join(path, key);
    out[key] = child.kind === 'object'
      ? readObject(child, given[key], childPath, env, warnings)
      : readLeaf(child, given[key], childPath, env, warnings);
  }
  return out;
}

function readLeaf(node: LeafNode, raw: unknown, path: string, env: NodeJS.ProcessEnv, warnings: string[]): unknown {
  const expand = (scalar: unknown): unknown => {
    if (typeof scalar !== 'string') return scalar;
    try {
      const { value, unset } = substituteEnv(scalar, env);
      for (const name of unset) warnings.push(`${path}: environment variable ${name} is not set; using an empty value`);
      return value;
    } catch (error) {
      if (error instanceof EnvSubstitutionError) throw new ConfigError(path, error.message);
      throw error;
    }
  };
  const value = raw === undefined || raw === null ? node.default : Array.isArray(raw) ? raw.map(expand) : expand(raw);
  const parsed = parseLeaf(node, value);
  if (parsed === undefined) {
    const shown = node.kind === 'secret' ? `<secret, ${String(value).length} characters>` : JSON.stringify(value);
    throw new ConfigError(path, `invalid ${node.kind} ${shown}`);
  }
  if (node.min !== undefined && typeof parsed === 'number' && parsed < node.min) {
    throw new ConfigError(path, `${JSON.stringify(value)} is below the minimum (${node.min}${unitOf(node)})`);
  }
  return parsed;
}

function parseLeaf(node: LeafNode, value: unknown): unknown {
  switch (node.kind) {
    case 'duration':
      return typeof value === 'string' ? parseDuration(value) : undefined;
    case 'bytes':
      return parseByteSize(typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value);
    case 'positive-integer': {
      const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
      return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
    }
    case 'endpoint':
      return typeof value === 'string' && parseHostPort(value) !== undefined ? value : undefined;
    case 'url':
      return typeof value === 'string' && isHttpUrl(value) ? value : undefined;
    case 'path':
      return typeof value === 'string' && value.trim() !== '' ? value : undefined;
    case 'secret':
      return typeof value === 'string' && /^[\x21-\x7e]*$/.test(value) ? value : undefined;
    case 'names':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && /^[a-z0-9_/]+$/.test(v)) ? [...value] : undefined;
    case 'note-verifier':
      if (typeof value !== 'string') return undefined;
      return value.trim() === '' ? '' : parseNoteVerifier(value)?.text;
  }
}

/** Splits `host:port` (IPv6 as `[::1]:4318`). Port 0 asks the OS for a free port. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function checkPipelineReferences(config: CollectorConfig): void {
  const pipeline = config.service.pipelines.metrics;
  const check = (kind: 'receivers' | 'processors' | 'exporters' | 'extensions', names: readonly string[], where: string) => {
    const configured = Object.keys(config[kind]);
    for (const name of names) {
      if (!configured.includes(name)) {
        throw new ConfigError(where, `references ${kind.slice(0, -1)} "${name}" which is not configured`);
      }
    }
  };
  check('receivers', pipeline.receivers, 'service.pipelines.metrics.receivers');
  check('processors', pipeline.processors, 'service.pipelines.metrics.processors');
  check('exporters', pipeline.exporters, 'service.pipelines.metrics.exporters');
  check('extensions', config.service.extensions, 'service.extensions');
  if (pipeline.receivers.length === 0) throw new ConfigError('service.pipelines.metrics.receivers', 'must name at least one receiver');
  if (pipeline.exporters.length === 0) throw new ConfigError('service.pipelines.metrics.exporters', 'must name at least one exporter');
  if (!config.service.extensions.includes('file_storage')) {
    throw new ConfigError('service.extensions', 'must include "file_storage": the collector keeps its state there');
  }
}

function unitOf(node: LeafNode): string {
  return node.kind === 'duration' ? ' ms' : node.kind === 'bytes' ? ' bytes' : '';
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
