import http from 'node:http';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport, retryAfterMs } from './http-transport.js';
import { createRetryingTransport } from './retrying-transport.js';

type Handler = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void;

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1/metrics`;
}

function transportFor(url: string, compression: 'gzip' | 'none' = 'none') {
  return createHttpTransport({
    url,
    headers: async () => ({ 'Content-Type': 'application/json', 'X-Test': 'yes' }),
    compression,
    agent: Promise.resolve(new http.Agent({ keepAlive: true })),
    userAgent: 'test-agent',
  });
}

const payload = new TextEncoder().encode('{"resourceMetrics":[]}');

describe('HTTP transport', () => {
  it('POSTs the bytes with the configured headers and reports 2xx as success', async () => {
    let seen: { method?: string; headers?: http.IncomingHttpHeaders; body?: string } = {};
    const url = await serve((req, body, res) => {
      seen = { method: req.method, headers: req.headers, body: body.toString() };
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const result = await transportFor(url).send(payload, 5000);
    expect(result.status).toBe('success');
    expect(seen).toMatchObject({ method: 'POST', body: '{"resourceMetrics":[]}' });
    expect(seen.headers).toMatchObject({ 'content-type': 'application/json', 'x-test': 'yes', 'user-agent': 'test-agent' });
  });

  it('gzips the body when compression is gzip', async () => {
    let decoded = '';
    const url = await serve((req, body, res) => {
      decoded = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString() : 'not gzipped';
      res.end('{}');
    });
    expect((await transportFor(url, 'gzip').send(payload, 5000)).status).toBe('success');
    expect(decoded).toBe('{"resourceMetrics":[]}');
  });

  it('classifies 429/502/503/504 as retryable with Retry-After, other statuses as failures', async () => {
    let status = 503;
    const url = await serve((_req, _body, res) => res.writeHead(status, { 'retry-after': '2' }).end());
    expect(await transportFor(url).send(payload, 5000)).toEqual({ status: 'retryable', retryInMillis: 2000 });
    for (status of [429, 502, 504]) expect((await transportFor(url).send(payload, 5000)).status).toBe('retryable');
    for (status of [400, 404, 413, 500]) expect((await transportFor(url).send(payload, 5000)).status).toBe('failure');
  });

  it('reports a refused connection and a timeout as retryable, never rejecting', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const refused = await transportFor(`http://127.0.0.1:${port}/v1/metrics`).send(payload, 5000);
    expect(refused).toMatchObject({ status: 'retryable', error: { code: 'ECONNREFUSED' } });

    const silent = await serve(() => { /* never answers */ });
    const timedOut = await transportFor(silent).send(payload, 200);
    expect(timedOut.status).toBe('retryable');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('retrying transport', () => {
  it('retries retryable answers until one succeeds', async () => {
    let calls = 0;
    const url = await serve((_req, _body, res) => {
      calls++;
      if (calls < 3) res.writeHead(503, { 'retry-after': '0' }).end();
      else res.end('{}');
    });
    const result = await createRetryingTransport(transportFor(url)).send(payload, 10_000);
    expect(result.status).toBe('success');
    expect(calls).toBe(3);
  });

  it('does not retry failures', async () => {
    let calls = 0;
    const url = await serve((_req, _body, res) => { calls++; res.writeHead(400).end(); });
    expect((await createRetryingTransport(transportFor(url)).send(payload, 10_000)).status).toBe('failure');
    expect(calls).toBe(1);
  });

  it('gives up when the next retry would pass the deadline', async () => {
    let calls = 0;
    const url = await serve((_req, _body, res) => { calls++; res.writeHead(503, { 'retry-after': '60' }).end(); });
    expect((await createRetryingTransport(transportFor(url)).send(payload, 5000)).status).toBe('retryable');
    expect(calls).toBe(1);
  });

  it('on shutdown, cancels a pending retry at once', async () => {
    let calls = 0;
    const url = await serve((_req, _body, res) => { calls++; res.writeHead(503, { 'retry-after': '8' }).end(); });
    const transport = createRetryingTransport(transportFor(url));
    const sending = transport.send(payload, 30_000);
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    transport.shutdown();
    expect((await sending).status).toBe('retryable');
    expect(calls).toBe(1);
    expect((await transport.send(payload, 5000)).status).toBe('failure');
    expect(calls).toBe(1);
  });
});
