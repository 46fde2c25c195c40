// A real HTTP server on port 0 standing in for the central receiver: it records every request's
// exact bytes and answers from a script (default: 202 for a new report_id, 200 duplicate for a
// repeated one, like the real receiver).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

export interface CaptureReceiver {
  readonly requests: CapturedRequest[];
  /** Report ids answered 202, once each. */
  readonly accepted: Map<string, unknown>;
  /** TCP connections ever opened to the receiver (a request is not needed to count). */
  connections(): number;
  url(): string;
  /** Replaces the answer logic; return undefined to fall back to the default behaviour. */
  respond(fn: ((req: CapturedRequest) => Reply | undefined) | undefined): void;
  close(): Promise<void>;
}

export async function startCaptureReceiver(): Promise<CaptureReceiver> {
  const requests: CapturedRequest[] = [];
  const accepted = new Map<string, unknown>();
  let script: ((req: CapturedRequest) => Reply | undefined) | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured: CapturedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(captured);
      const reply = script?.(captured) ?? defaultReply(captured, accepted);
      const text = JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
      res.end(text);
    });
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    requests,
    accepted,
    connections: () => connections,
    url: () => `http://127.0.0.1:${port}/v1/reports`,
    respond: (fn) => {
      script = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function defaultReply(req: CapturedRequest, accepted: Map<string, unknown>): Reply {
  let report: { report_id?: unknown };
  try {
    report = JSON.parse(req.body.toString('utf8')) as { report_id?: unknown };
  } catch {
    return { status: 400, body: { error: 'invalid_json', details: [] } };
  }
  const id = String(report.report_id);
  if (accepted.has(id)) return { status: 200, body: { status: 'duplicate' } };
  accepted.set(id, report);
  return { status: 202, body: { status: 'accepted' } };
}
