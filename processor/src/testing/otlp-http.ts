// Sends OTLP/HTTP JSON requests to a running intake, as a client would.

import { request } from 'node:http';

export interface OtlpResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export function postOtlp(port: number, body: string | Buffer, contentType = 'application/json', path = '/v1/metrics'): Promise<OtlpResponse> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': contentType, 'content-length': payload.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export function getText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A JSON ExportMetricsServiceRequest with one cumulative point of a catalog counter. */
export function otlpJson(o: { value: number; startNs: bigint; timeNs: bigint; version?: string; name?: string; temporality?: number }): string {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.version', value: { stringValue: o.version ?? '1.4.2' } }] },
        scopeMetrics: [
          {
            scope: { name: '@lunadefend/metrics' },
            metrics: [
              {
                name: o.name ?? 'lunadefend.tokenize.success',
                sum: {
                  aggregationTemporality: o.temporality ?? 2,
                  isMonotonic: true,
                  dataPoints: [{ startTimeUnixNano: o.startNs.toString(), timeUnixNano: o.timeNs.toString(), asInt: o.value }],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}
