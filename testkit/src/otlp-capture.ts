// A real OTLP/HTTP endpoint for tests: the capture server (capture-server.ts) answering 200 `{}`
// to every POST and keeping each request body as parsed OTLP JSON (gzip undone).

import type http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startCaptureServer, type CaptureServer, type RawRequest } from './capture-server.js';

export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: OtlpJsonRequest;
}

export interface OtlpJsonRequest {
  resourceMetrics: {
    resource?: { attributes?: { key: string; value: Record<string, unknown> }[] };
    scopeMetrics: {
      scope?: { name?: string };
      metrics: {
        name: string;
        sum?: {
          aggregationTemporality: number;
          isMonotonic: boolean;
          dataPoints: { asInt?: number | string; asDouble?: number; startTimeUnixNano: string; timeUnixNano: string; attributes?: unknown[] }[];
        };
      }[];
    }[];
  }[];
}

export type OtlpCapture = CaptureServer<CapturedRequest>;

export async function startOtlpCapture(): Promise<OtlpCapture> {
  return startCaptureServer<CapturedRequest>({
    record: (req) => ({ method: req.method, path: req.url, contentType: req.headers['content-type'], headers: req.headers, body: parseOtlpJson(req) }),
  });
}

function parseOtlpJson(req: RawRequest): OtlpJsonRequest {
  const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(req.body) : req.body).toString('utf8');
  try {
    return JSON.parse(text) as OtlpJsonRequest;
  } catch {
    return { resourceMetrics: [] };
  }
}

/** Metric name → integer value of its single data point, from one OTLP JSON request. */
export function totalsOf(body: OtlpJsonRequest): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const rm of body.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        for (const point of metric.sum?.dataPoints ?? []) {
          totals[metric.name] = (totals[metric.name] ?? 0) + Number(point.asInt ?? point.asDouble);
        }
      }
    }
  }
  return totals;
}

/** Resource attributes of one OTLP JSON request as key → string value. */
export function resourceAttributesOf(body: OtlpJsonRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const rm of body.resourceMetrics) {
    for (const attribute of rm.resource?.attributes ?? []) {
      out[attribute.key] = attribute.value.stringValue ?? attribute.value;
    }
  }
  return out;
}
