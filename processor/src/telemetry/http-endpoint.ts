// A small GET-only HTTP listener for the collector's own endpoints (Prometheus /metrics and the
// health check). Listening errors surface at start-up as LISTEN_FAILED.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseHostPort } from '@lunadefend/config';
import { CollectorError } from '../errors.js';

export interface HttpEndpoint {
  start(): Promise<void>;
  address(): { host: string; port: number };
  shutdown(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export function createHttpEndpoint(options: { readonly name: string; readonly endpoint: string; readonly handler: Handler }): HttpEndpoint {
  const hostPort = parseHostPort(options.endpoint);
  if (hostPort === undefined) throw new CollectorError('LISTEN_FAILED', `${options.name}: invalid endpoint ${options.endpoint}`);
  let server: Server | undefined;
  return {
    async start() {
      const s = createServer((req, res) => {
        Promise.resolve(options.handler(req, res)).catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
      });
      s.keepAliveTimeout = 5000;
      await new Promise<void>((resolve, reject) => {
        s.once('error', (error: NodeJS.ErrnoException) =>
          reject(new CollectorError('LISTEN_FAILED', `${options.name}: cannot listen on ${options.endpoint}: ${error.code ?? error.message}`, { cause: error })),
        );
        s.listen(hostPort.port, hostPort.host, () => resolve());
      });
      server = s;
    },
    address() {
      const info = server?.address() as AddressInfo | null | undefined;
      if (info === undefined || info === null) return { host: hostPort.host, port: hostPort.port };
      return { host: info.address, port: info.port };
    },
    async shutdown() {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
