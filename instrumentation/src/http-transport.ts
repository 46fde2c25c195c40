// POSTs one serialized OTLP request and classifies the outcome as the OTLP/HTTP spec says:
// 2xx success; 429/502/503/504, network errors and timeouts retryable; anything else a failure.
// Never rejects. Its sockets come from an agent that does not keep the process alive.

import http from 'node:http';
import https from 'node:https';
import { gzipSync } from 'node:zlib';
import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH',
]);
/** The collector answers with a tiny ExportMetricsServiceResponse; anything bigger is not read. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface HttpTransportOptions {
  readonly url: string;
  readonly headers: () => Promise<Record<string, string>>;
  readonly compression: 'gzip' | 'none';
  readonly agent: Promise<http.Agent>;
  readonly userAgent: string;
}

export function createHttpTransport(options: HttpTransportOptions): IExporterTransport {
  const url = new URL(options.url);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return {
    async send(data, timeoutMillis) {
      let body: Uint8Array;
      let headers: Record<string, string>;
      let agent: http.Agent;
      try {
        agent = await options.agent;
        headers = { ...(await options.headers()), 'User-Agent': options.userAgent };
        body = data;
        if (options.compression === 'gzip') {
          body = gzipSync(data);
          headers['Content-Encoding'] = 'gzip';
        }
      } catch (error) {
        return { status: 'failure', error: asError(error) };
      }
      return new Promise<ExportResponse>((resolve) => {
        const req = request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, agent }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
          });
          res.on('error', (error) => resolve(classifyStatus(res, chunks, error)));
          res.on('end', () => resolve(classifyStatus(res, chunks)));
        });
        req.setTimeout(timeoutMillis, () => {
          req.destroy();
          resolve({ status: 'retryable', error: new Error(`request timed out after ${timeoutMillis} ms`) });
        });
        req.on('error', (error) => {
          const code = (error as { code?: unknown }).code;
          resolve(typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code)
            ? { status: 'retryable', error }
            : { status: 'failure', error });
        });
        req.end(body);
      });
    },
    shutdown() {
      options.agent.then((agent) => agent.destroy(), () => {});
    },
  };
}

function classifyStatus(res: http.IncomingMessage, chunks: Buffer[], error?: Error): ExportResponse {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status <= 299) return { status: 'success', data: Buffer.concat(chunks) };
  if (RETRYABLE_STATUS.has(status)) {
    const retryInMillis = retryAfterMs(res.headers['retry-after']);
    return { status: 'retryable', ...(retryInMillis === undefined ? {} : { retryInMillis }), ...(error ? { error } : {}) };
  }
  return { status: 'failure', error: error ?? new Error(`collector answered HTTP ${status}`) };
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
