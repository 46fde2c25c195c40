// A real OTLP/HTTP endpoint for tests: listens on 127.0.0.1 port 0, answers 200 `{}` to every
// POST, and records each request body (parsed JSON) and every TCP connection it sees.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

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

export interface OtlpCapture {
  readonly url: string;
  readonly port: number;
  readonly requests: CapturedRequest[];
  /** TCP connections accepted so far (a connection attempt counts even without a request). */
  connections(): number;
  /** Resolves with the first request at or after index `from`. */
  nextRequest(from?: number, timeoutMs?: number): Promise<CapturedRequest>;
  close(): Promise<void>;
}

export async function startOtlpCapture(): Promise<OtlpCapture> {
  const requests: CapturedRequest[] = [];
  const waiters: (() => void)[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      let body: OtlpJsonRequest;
      try {
        body = JSON.parse(text) as OtlpJsonRequest;
      } catch {
        body = { resourceMetrics: [] };
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const wake of waiters.splice(0)) wake();
    });
  });
  server.on('connection', () => { connections++; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    nextRequest(from = 0, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no OTLP request #${from} within ${timeoutMs} ms`)), timeoutMs);
        const check = (): void => {
          const found = requests[from];
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
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
