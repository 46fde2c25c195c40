// The report body reader on the real receiver: malformed compressed bodies, early 413 for an
// over-limit chunked upload, and the idle timeout.

import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { reportAt, startTestReceiver, type TestReceiver } from '../testing/harness.js';

let r: TestReceiver;
afterEach(async () => {
  await r?.close();
});

const errorLines = (logs: string[]): string[] => logs.filter((line) => /"level":(50|60)/.test(line));

describe('reading the report body', () => {
  it('answers 400 invalid_encoding for malformed gzip and deflate, without an error log line', async () => {
    r = await startTestReceiver();
    const good = gzipSync(JSON.stringify(reportAt()));
    const bodies: [string, Buffer][] = [
      ['gzip', Buffer.from('this is not gzip at all')],
      ['gzip', good.subarray(0, good.length - 12)],
      ['deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0x00, 0x01])],
    ];
    for (const [encoding, body] of bodies) {
      const res = await fetch(`${r.url}/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        body,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_encoding');
    }
    expect(errorLines(r.logs)).toEqual([]);
  });

  it('answers 413 to a 50 MB chunked upload as soon as the limit is crossed, long before the end', async () => {
    r = await startTestReceiver();
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const outcome = await new Promise<{ status: number; sentBytes: number; error: string | undefined }>((resolve) => {
      let sent = 0;
      let answered: number | undefined;
      const req = request(`${r.url}/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        answered = res.statusCode ?? 0;
        res.resume();
        resolve({ status: answered, sentBytes: sent, error: undefined });
        req.destroy();
      });
      req.on('error', (error) => resolve({ status: answered ?? 0, sentBytes: sent, error: error.message }));
      const pump = (): void => {
        while (answered === undefined && sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (answered === undefined) req.end();
      };
      req.write('{"padding":"');
      pump();
    });
    expect(outcome).toMatchObject({ status: 413, error: undefined });
    // The limit is 16 KiB; the answer arrives while most of the 50 MB is still unsent.
    expect(outcome.sentBytes).toBeLessThan(total / 4);
    expect(errorLines(r.logs)).toEqual([]);
  });

  it('answers 413 from Content-Length alone, before reading the body', async () => {
    r = await startTestReceiver();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${r.url}/v1/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(status).toBe(413);
  });

  it('answers 408 to a body that stops arriving', async () => {
    r = await startTestReceiver({ config: { bodyTimeoutMs: 300 } });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${r.url}/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '400' } });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('{"schema_version":1,');
    });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'request_timeout' });
  });
});
