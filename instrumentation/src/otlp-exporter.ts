// The OTLP/HTTP JSON metric exporter, assembled from the SDK's public parts
// (OTLPMetricExporterBase, the export delegate, the JSON serializer, the env-aware option
// merging) around our own transport. The stock OTLPMetricExporter's retry timers are ref'd and
// cannot be cancelled, so a dead collector kept a finished process alive for up to ten seconds;
// everything else (headers, compression, timeout, TLS variables, payload) is the SDK's.

import type http from 'node:http';
import { AggregationTemporalityPreference, OTLPMetricExporterBase } from '@opentelemetry/exporter-metrics-otlp-http';
import { createOtlpNetworkExportDelegate } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExporterMetrics } from '@opentelemetry/otlp-exporter-base/node-http';
import { JsonMetricsSerializer, MetricsExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { createHttpTransport } from './http-transport.js';
import { createRetryingTransport } from './retrying-transport.js';
import { unrefSockets } from './unref-agent.js';
import { PACKAGE_VERSION } from './version.js';

export interface OtlpExporterHandle {
  readonly exporter: PushMetricExporter;
  /** Cancels pending retries and closes sockets; used when shutdown's bound has passed. */
  readonly abort: () => void;
}

export function createOtlpJsonExporter(url: string): OtlpExporterHandle {
  // Headers, timeout, compression and certificate variables come from the environment as the
  // stock exporter reads them; the URL is ours (resolved in export-settings.ts).
  const config = convertLegacyHttpOptions({ url }, 'METRICS', 'v1/metrics', { 'Content-Type': 'application/json' });
  const agent: Promise<http.Agent> = Promise.resolve(config.agentFactory(new URL(url).protocol)).then(unrefSockets);
  // A rejected agent factory (e.g. an unreadable certificate file) must not surface as an
  // unhandled rejection; send() reports it as a failed export instead.
  agent.catch(() => {});
  const transport = createRetryingTransport(
    createHttpTransport({
      url,
      headers: config.headers,
      compression: config.compression,
      agent,
      userAgent: `${config.userAgent ? `${config.userAgent} ` : ''}lunadefend-metrics/${PACKAGE_VERSION}`,
    }),
  );
  const delegate = createOtlpNetworkExportDelegate(
    config,
    JsonMetricsSerializer,
    createOtlpHttpExporterMetrics('otlp_http_metric_exporter', MetricsExporterMetricsHelper, url, undefined),
    transport,
  );
  const exporter = new OTLPMetricExporterBase(delegate, { temporalityPreference: AggregationTemporalityPreference.CUMULATIVE });
  return { exporter, abort: () => transport.shutdown() };
}
