// A collector configuration for tests: every port 0, a fresh temporary state directory, short
// windows when asked. Returned as YAML text (for CLI child processes) and as a loaded config.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCollectorConfig, type CollectorConfig } from '@lunadefend/config';
import { pino, type Logger } from 'pino';

export interface FixtureOptions {
  readonly window?: string;
  readonly sendJitter?: string;
  readonly maxStreams?: number;
  readonly streamStaleness?: string;
  readonly endpoint?: string;
  readonly timeout?: string;
  readonly initialInterval?: string;
  readonly maxInterval?: string;
  readonly maxAge?: string;
  readonly stateDirectory?: string;
}

export function fixtureYaml(dir: string, o: FixtureOptions = {}): string {
  return `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:0
processors:
  lunadefend_aggregate:
    window: ${o.window ?? '24h'}
    send_jitter: ${o.sendJitter ?? '0s'}
    max_streams: ${o.maxStreams ?? 10000}
    stream_staleness: ${o.streamStaleness ?? '1h'}
exporters:
  lunadefend:
    endpoint: ${o.endpoint ?? 'http://127.0.0.1:9/v1/reports'}
    timeout: ${o.timeout ?? '2s'}
    retry_on_failure: { initial_interval: ${o.initialInterval ?? '5s'}, max_interval: ${o.maxInterval ?? '1h'}, max_age: ${o.maxAge ?? '720h'} }
extensions:
  health_check: { endpoint: 127.0.0.1:0 }
  file_storage: { directory: "${o.stateDirectory ?? join(dir, 'state')}" }
service:
  telemetry:
    metrics: { address: 127.0.0.1:0 }
`;
}

export interface Fixture {
  readonly dir: string;
  readonly stateDirectory: string;
  readonly configPath: string;
  readonly config: CollectorConfig;
  cleanup(): void;
}

export function makeFixture(o: FixtureOptions = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'lunadefend-collector-'));
  const yaml = fixtureYaml(dir, o);
  const configPath = join(dir, 'otel-collector.yaml');
  writeFileSync(configPath, yaml);
  return {
    dir,
    stateDirectory: o.stateDirectory ?? join(dir, 'state'),
    configPath,
    config: loadCollectorConfig(yaml, {}).config,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A pino logger whose JSON lines are kept in memory. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ base: undefined, level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** A settable clock. */
export function manualClock(startMs: number): { now: () => number; set(ms: number): void; advance(ms: number): void } {
  let current = startMs;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
