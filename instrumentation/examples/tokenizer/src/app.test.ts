// The tokenizer counts each operation exactly once, after it completed, and every refusal as a
// failure. Checked through the real pipeline: the app's metrics are exported over OTLP/HTTP to a
// capture server and the totals compared with what the test did.

import { startMetrics, type Metrics } from '@lunadefend/metrics';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpCapture, totalsOf, type OtlpCapture } from '@lunadefend/testkit';
import { MAX_VALUE_LENGTH, createTokenizerApp } from './app.js';

describe('example tokenizer', () => {
  let capture: OtlpCapture;
  let metrics: Metrics;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    capture = await startOtlpCapture();
    metrics = startMetrics({
      serviceVersion: '1.4.2',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: capture.url, OTEL_METRIC_EXPORT_INTERVAL: '600000' },
    });
    server = createTokenizerApp({ metrics }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await metrics.shutdown();
    await capture.close();
  });

  const post = async (path: string, body: unknown, contentType = 'application/json') => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const exportedTotals = async () => {
    const before = capture.requests.length;
    await metrics.flush();
    return totalsOf((await capture.nextRequest(before)).body);
  };

  it('tokenizes, detokenizes and grants, counting each success once', async () => {
    const tokenized = await post('/tokenize', { value: '4111 1111 1111 1111' });
    expect(tokenized.status).toBe(200);
    const token = tokenized.json.token as string;
    expect(token).toMatch(/^tok_/);
    expect(await post('/detokenize', { token })).toEqual({ status: 200, json: { value: '4111 1111 1111 1111' } });
    const grant = await post('/grants', { token });
    expect(grant.status).toBe(201);
    expect(grant.json.grant_id).toMatch(/^[0-9a-f-]{36}$/);
    await post('/tokenize', { value: 'second' });

    expect(await exportedTotals()).toEqual({
      'lunadefend.tokenize.success': 2,
      'lunadefend.tokenize.failure': 0,
      'lunadefend.detokenize.success': 1,
      'lunadefend.detokenize.failure': 0,
      'lunadefend.grant.create.success': 1,
      'lunadefend.grant.create.failure': 0,
    });
  });

  it('counts every refusal as a failure of the operation asked for', async () => {
    const { json } = await post('/tokenize', { value: 'kept' });
    const token = json.token as string;

    // tokenize: 5 failures
    expect((await post('/tokenize', {})).status).toBe(400);
    expect((await post('/tokenize', { value: 42 })).status).toBe(400);
    expect((await post('/tokenize', { value: '' })).status).toBe(400);
    expect((await post('/tokenize', { value: 'x'.repeat(MAX_VALUE_LENGTH + 1) })).status).toBe(400);
    expect((await post('/tokenize', '{"value": "unterminated')).status).toBe(400);
    // detokenize: 4 failures
    expect((await post('/detokenize', { token: 'tok_unknown' })).status).toBe(404);
    expect((await post('/detokenize', ['not', 'an', 'object'])).status).toBe(400);
    expect((await post('/detokenize', `token=${token}`, 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await post('/detokenize', 'null')).status).toBe(400);
    // grants: 3 failures
    expect((await post('/grants', { token: 'tok_unknown' })).status).toBe(404);
    expect((await post('/grants', { value: token })).status).toBe(400);
    expect((await post('/grants', `{"token": "${'y'.repeat(20_000)}"}`)).status).toBe(413);

    expect(await exportedTotals()).toEqual({
      'lunadefend.tokenize.success': 1,
      'lunadefend.tokenize.failure': 5,
      'lunadefend.detokenize.success': 0,
      'lunadefend.detokenize.failure': 4,
      'lunadefend.grant.create.success': 0,
      'lunadefend.grant.create.failure': 3,
    });
  });

  it('counts nothing for requests that are not an operation', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/tokenize`)).status).toBe(404);
    expect((await post('/nowhere', { value: 'x' })).status).toBe(404);
    const totals = await exportedTotals();
    expect(Object.values(totals).every((n) => n === 0)).toBe(true);
  });

  it('counts exactly under concurrent load', async () => {
    const n = 200;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => (i % 4 === 0 ? post('/detokenize', { token: `tok_missing_${i}` }) : post('/tokenize', { value: `v${i}` }))),
    );
    const ok = results.filter((r) => r.status === 200).length;
    const totals = await exportedTotals();
    expect(totals['lunadefend.tokenize.success']).toBe(ok);
    expect(totals['lunadefend.detokenize.failure']).toBe(n - ok);
  });
});
