// The one in-process stand-in for a server tests send to: a real HTTP server on 127.0.0.1 port 0
// that keeps every request (as the caller chooses to record it), counts TCP connections and
// answers with JSON. The OTLP endpoint (otlp-capture.ts), the collector tests' report receiver and
// the benchmarks build on it; what differs between them is only how a request is recorded and
// answered.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as it arrived: the body's exact bytes. */
export interface RawRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface CaptureReply {
  readonly status: number;
  /** Sent as JSON; `{}` when absent. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface CaptureServerOptions<T> {
  /** What to keep of each request. */
  record(request: RawRequest): T;
  /** The answer to a request, after it is recorded (default 200 `{}`). */
  reply?(recorded: T): CaptureReply;
}

export interface CaptureServer<T> {
  /** `http://127.0.0.1:<port>`, no path. */
  readonly url: string;
  readonly port: number;
  readonly requests: T[];
  /** TCP connections accepted so far (a connection attempt counts even without a request). */
  connections(): number;
  /** Resolves with the request at index `from` once it has arrived. */
  nextRequest(from?: number, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startCaptureServer<T>(options: CaptureServerOptions<T>): Promise<CaptureServer<T>> {
  const requests: T[] = [];
  const waiters: (() => void)[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = options.record({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      requests.push(recorded);
      const reply = options.reply?.(recorded) ?? { status: 200 };
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body ?? {}));
      for (const wake of waiters.splice(0)) wake();
    });
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    nextRequest(from = 0, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no request #${from} within ${timeoutMs} ms`)), timeoutMs);
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
