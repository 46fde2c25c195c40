// The collector's half of the report contract (docs/report-contract.md): a receiver older than our
// report schema version is not a reason to give a report up. Its answer is retryable, whether it
// says so with `unsupported_schema_version` or, released before that code, with a schema violation
// at /schema_version; any other 4xx is still a rejection.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from './http-transport.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A real receiver stand-in on port 0 that answers every POST with `status` and `body`. */
async function answering(status: number, body: unknown): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/reports`;
}

const send = async (status: number, body: unknown) => createHttpTransport({ endpoint: await answering(status, body), timeoutMs: 5_000 }).send('{"schema_version":2}');

describe('http transport and report schema versions', () => {
  it('keeps a report the receiver cannot read yet: unsupported_schema_version is retryable', async () => {
    const result = await send(400, { error: 'unsupported_schema_version', message: 'x', details: [{ path: '/schema_version', message: 'is 2' }] });
    expect(result).toMatchObject({ kind: 'retryable', code: 'EXPORT_SCHEMA_VERSION', status: 400 });
  });

  it('treats a receiver released before that code, refusing /schema_version, the same way', async () => {
    const details = [{ path: '/schema_version', message: 'must be equal to constant' }, { path: '/metrics/fixtureWidget', message: 'is not allowed' }];
    expect(await send(400, { error: 'schema_violation', message: 'x', details })).toMatchObject({ kind: 'retryable', code: 'EXPORT_SCHEMA_VERSION' });
  });

  it('still rejects any other schema violation and any other 4xx', async () => {
    expect(await send(400, { error: 'schema_violation', message: 'x', details: [{ path: '/version', message: 'bad' }] })).toMatchObject({ kind: 'rejected', status: 400 });
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    expect(await send(403, { error: 'stack_blocked', message: 'x', details: [] })).toMatchObject({ kind: 'rejected', status: 403 });
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    expect(await send(400, 'not json')).toMatchObject({ kind: 'rejected', status: 400 });
  });
});
