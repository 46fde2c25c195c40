// A proxy in front of the receiver that passes every request on, but while `holding` is set it
// keeps the receiver's answer to itself: the report is stored and acknowledged at the receiver,
// yet the collector never learns it. Killing the collector then is the crash between "the
// receiver has it" and "the ledger says so"; the restarted collector sends the report again.

import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AnswerHoldingProxy {
  readonly url: string;
  holding: boolean;
  /** Answers the receiver gave that the proxy kept back (status codes). */
  readonly held: number[];
  close(): Promise<void>;
}

export async function startAnswerHoldingProxy(target: string): Promise<AnswerHoldingProxy> {
  const targetUrl = new URL(target);
  const parked: ServerResponse[] = [];
  const state: AnswerHoldingProxy = {
    url: '',
    holding: true,
    held: [],
    close: async () => {
      for (const res of parked) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const upstream = request({ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (state.holding) {
        answer.resume();
        answer.on('end', () => state.held.push(answer.statusCode ?? 0));
        parked.push(res);
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}
