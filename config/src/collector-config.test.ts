import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadCollectorConfig, loadCollectorConfigFile } from './collector-config.js';
import { collectorConfigKeys } from './collector-config-schema.js';
import { substituteEnv } from './env-substitution.js';
import { formatDuration, parseByteSize, parseDuration } from './units.js';

const rootYaml = fileURLToPath(new URL('../../otel-collector.yaml', import.meta.url));

function errorOf(yaml: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    loadCollectorConfig(yaml, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('environment substitution', () => {
  it('expands ${env:VAR}, ${VAR} and defaults', () => {
    expect(substituteEnv('${env:A}/${B}', { A: 'x', B: 'y' }).value).toBe('x/y');
    expect(substituteEnv('${env:A:-fallback}', {}).value).toBe('fallback');
    expect(substituteEnv('${env:A:-fallback}', { A: '' }).value).toBe('fallback');
    expect(substituteEnv('${env:A:-}', {}).value).toBe('');
    expect(substituteEnv('${env:A:-http://h:1/p}', {}).value).toBe('http://h:1/p');
  });

  it('treats $$ as a literal dollar, never expanding what follows', () => {
    expect(substituteEnv('cost $$5', {}).value).toBe('cost $5');
    expect(substituteEnv('$${env:A}', { A: 'x' }).value).toBe('${env:A}');
    expect(substituteEnv('$$$${env:A}', { A: 'x' }).value).toBe('$${env:A}');
  });

  it('reports unset variables without a default', () => {
    expect(substituteEnv('${env:MISSING}', {})).toEqual({ value: '', unset: ['MISSING'] });
  });

  it('substitutes inside the config and warns about unset variables', () => {
    const { config, warnings } = loadCollectorConfig(
      'processors:\n  lunadefend_aggregate:\n    window: ${env:W:-24h}\nexporters:\n  lunadefend:\n    endpoint: ${env:E}\n',
      { W: '10s', E: 'http://127.0.0.1:9/v1/reports' },
    );
    expect(config.processors.lunadefend_aggregate.window).toBe(10_000);
    expect(config.exporters.lunadefend.endpoint).toBe('http://127.0.0.1:9/v1/reports');
    expect(warnings).toEqual([]);
    const unset = errorOf('exporters:\n  lunadefend:\n    endpoint: ${env:E}\n');
    expect(unset.key).toBe('exporters.lunadefend.endpoint');
  });
});

describe('durations and sizes', () => {
  it('parses the collector duration forms', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('5s')).toBe(5000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0')).toBe(0);
    for (const bad of ['', '5', 'five seconds', '5 s', '-5s', '5d', 'h']) expect(parseDuration(bad)).toBeUndefined();
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });

  it('parses byte sizes', () => {
    expect(parseByteSize(8_388_608)).toBe(8_388_608);
    expect(parseByteSize('8MiB')).toBe(8_388_608);
    expect(parseByteSize('2 KB')).toBe(2000);
    expect(parseByteSize('-1')).toBeUndefined();
    expect(parseByteSize('8 parsecs')).toBeUndefined();
    expect(parseByteSize(1.5)).toBeUndefined();
  });
});

describe('collector configuration', () => {
  it('loads the root otel-collector.yaml with its defaults', () => {
    const { config, warnings } = loadCollectorConfigFile(rootYaml, {});
    expect(warnings).toEqual([]);
    expect(config.receivers.otlp.protocols.http).toEqual({ endpoint: '127.0.0.1:4318', max_request_body_size: 8_388_608 });
    expect(config.processors.lunadefend_aggregate).toEqual({ window: 86_400_000, send_jitter: 3_600_000, max_streams: 10_000, max_streams_per_producer: 2_500, stream_staleness: 3_600_000 });
    expect(config.exporters.lunadefend).toEqual({
      endpoint: 'https://metrics.lunadefend.example/v1/reports',
      timeout: 10_000,
      ingest_key: '',
      retry_on_failure: { initial_interval: 5000, max_interval: 3_600_000, max_age: 2_592_000_000 },
      log_public_key: '',
    });
    expect(config.extensions).toEqual({ health_check: { endpoint: '127.0.0.1:13133' }, file_storage: { directory: './data/collector' } });
    expect(config.service.pipelines.metrics).toEqual({ receivers: ['otlp'], processors: ['lunadefend_aggregate'], exporters: ['lunadefend'] });
    expect(config.service.telemetry.metrics.address).toBe('127.0.0.1:8888');
  });

  it('honours the variables the root file references', () => {
    const { config } = loadCollectorConfigFile(rootYaml, {
      LUNADEFEND_OTLP_ENDPOINT: '127.0.0.1:0',
      LUNADEFEND_WINDOW: '5s',
      LUNADEFEND_SEND_JITTER: '0s',
      LUNADEFEND_METRICS_ENDPOINT: 'http://127.0.0.1:8080/v1/reports',
      LUNADEFEND_STATE_DIR: '/var/lib/lunadefend',
    });
    expect(config.receivers.otlp.protocols.http.endpoint).toBe('127.0.0.1:0');
    expect(config.processors.lunadefend_aggregate.window).toBe(5000);
    expect(config.processors.lunadefend_aggregate.send_jitter).toBe(0);
    expect(config.exporters.lunadefend.endpoint).toBe('http://127.0.0.1:8080/v1/reports');
    expect(config.extensions.file_storage.directory).toBe('/var/lib/lunadefend');
  });

  it('returns a frozen result', () => {
    const { config } = loadCollectorConfigFile(rootYaml, {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.processors.lunadefend_aggregate)).toBe(true);
    expect(Object.isFrozen(config.service.extensions)).toBe(true);
  });

  it('names the full path of an unknown key', () => {
    const error = errorOf('processors:\n  lunadefend_aggregate:\n    windw: 24h\n');
    expect(error.key).toBe('processors.lunadefend_aggregate.windw');
    expect(error.message).toContain('processors.lunadefend_aggregate.windw');
    expect(errorOf('receivers:\n  otlp:\n    protocols:\n      grpc: {}\n').key).toBe('receivers.otlp.protocols.grpc');
    expect(errorOf('exporter: {}\n').key).toBe('exporter');
  });

  it('names key and value of a bad duration', () => {
    const error = errorOf('exporters:\n  lunadefend:\n    timeout: 10 seconds\n');
    expect(error.key).toBe('exporters.lunadefend.timeout');
    expect(error.message).toContain('exporters.lunadefend.timeout');
    expect(error.message).toContain('10 seconds');
    expect(errorOf('processors:\n  lunadefend_aggregate:\n    window: ${env:W}\n', { W: '1d' }).message).toContain('"1d"');
  });

  it('rejects other invalid values with key and value', () => {
    expect(errorOf('processors:\n  lunadefend_aggregate:\n    max_streams: -3\n').message).toMatch(/max_streams.*-3/);
    expect(errorOf('processors:\n  lunadefend_aggregate:\n    window: 10ms\n').key).toBe('processors.lunadefend_aggregate.window');
    expect(errorOf('extensions:\n  health_check:\n    endpoint: localhost\n').message).toContain('localhost');
    expect(errorOf('exporters:\n  lunadefend:\n    endpoint: ftp://x/y\n').key).toBe('exporters.lunadefend.endpoint');
    expect(errorOf('receivers: [otlp]\n').key).toBe('receivers');
    expect(errorOf('a: [\n').key).toBe('');
  });

  it('reads the ingest key from the environment and never shows a bad one', () => {
    const yaml = 'exporters:\n  lunadefend:\n    ingest_key: ${env:LUNADEFEND_INGEST_KEY}\n';
    const { config } = loadCollectorConfig(yaml, { LUNADEFEND_INGEST_KEY: 'fleet-key-0123456789' });
    expect(config.exporters.lunadefend.ingest_key).toBe('fleet-key-0123456789');
    const error = errorOf(yaml, { LUNADEFEND_INGEST_KEY: 'secret with spaces' });
    expect(error.key).toBe('exporters.lunadefend.ingest_key');
    expect(error.message).toContain('<secret, 18 characters>');
    expect(error.message).not.toContain('secret with spaces');
  });

  it('checks pipeline references', () => {
    expect(errorOf('service:\n  pipelines:\n    metrics:\n      processors: [batch]\n').message).toContain('"batch"');
    expect(errorOf('service:\n  extensions: [health_check]\n').key).toBe('service.extensions');
  });

  it('lists every key of the schema', () => {
    const keys = collectorConfigKeys().map((k) => k.path);
    expect(keys).toContain('processors.lunadefend_aggregate.send_jitter');
    expect(keys).toContain('exporters.lunadefend.retry_on_failure.max_age');
    expect(keys).toContain('exporters.lunadefend.ingest_key');
    expect(keys).toContain('exporters.lunadefend.log_public_key');
    expect(keys).toHaveLength(21);
  });

  it("accepts a pinned log key only when it is a well-formed verifier key, and refuses one whose ID does not match", () => {
    const key = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    const yaml = (value: string) => `exporters:\n  lunadefend:\n    log_public_key: "${value}"\n`;
    expect(loadCollectorConfig(yaml(key), {}).config.exporters.lunadefend.log_public_key).toBe(key);
    expect(() => loadCollectorConfig(yaml(key.replace('c74f20a3', 'c74f20a4')), {})).toThrow(/exporters\.lunadefend\.log_public_key/);
  });
});
