// A collector configuration file for end-to-end tests and benchmarks, in the same format as the root
// otel-collector.yaml, but with every listening port chosen by the OS (or fixed by the test, so a
// restarted collector comes back where its clients expect it), a window of seconds and short
// retries, so that several collectors can run side by side and outages heal within a test.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CollectorConfigOptions {
  /** Where reports are POSTed (the receiver's /v1/reports). */
  readonly endpoint: string;
  readonly stateDirectory: string;
  /** Window length, e.g. '2s'. */
  readonly window: string;
  /** 0 (default) lets the OS pick. */
  readonly otlpPort?: number;
  readonly sendJitter?: string;
  readonly initialInterval?: string;
  readonly maxInterval?: string;
  /** `exporters.lunadefend.ingest_key`, written as given (e.g. '${env:LUNADEFEND_INGEST_KEY}'). */
  readonly ingestKey?: string;
}

/** Writes `otel-collector.yaml` into `dir` and returns its path. */
export function writeCollectorConfig(dir: string, o: CollectorConfigOptions): string {
  const yaml = `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${o.otlpPort ?? 0}
processors:
  lunadefend_aggregate:
    window: ${o.window}
    send_jitter: ${o.sendJitter ?? '0s'}
    max_streams: 10000
exporters:
  lunadefend:
    endpoint: ${JSON.stringify(o.endpoint)}
    timeout: 5s
${o.ingestKey === undefined ? '' : `    ingest_key: ${JSON.stringify(o.ingestKey)}\n`}    retry_on_failure: { initial_interval: ${o.initialInterval ?? '200ms'}, max_interval: ${o.maxInterval ?? '1s'}, max_age: 720h }
extensions:
  health_check: { endpoint: 127.0.0.1:0 }
  file_storage: { directory: ${JSON.stringify(o.stateDirectory)} }
service:
  extensions: [health_check, file_storage]
  pipelines:
    metrics: { receivers: [otlp], processors: [lunadefend_aggregate], exporters: [lunadefend] }
  telemetry:
    metrics: { address: 127.0.0.1:0 }
`;
  const path = join(dir, 'otel-collector.yaml');
  writeFileSync(path, yaml);
  return path;
}
