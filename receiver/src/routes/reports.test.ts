import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, formatUtcTimestamp, zeroMetrics } from '@lunadefend/config';
import { NOW_MS, YESTERDAY_MS, reportAt, startTestReceiver, type TestReceiver } from '../testing/harness.js';

let r: TestReceiver;
afterEach(async () => {
  await r?.close();
});

async function metricValue(target: TestReceiver, line: string): Promise<number> {
  const text = (await target.get('/metrics')).text;
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.split(' ')[1]);
}

describe('POST /v1/reports', () => {
  it('answers 202 accepted, then 200 duplicate for the same report_id', async () => {
    r = await startTestReceiver();
    const report = reportAt();
    expect(await r.post(report)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await r.post(report)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await metricValue(r, 'lunadefend_receiver_reports_accepted_total')).toBe(1);
    expect(await metricValue(r, 'lunadefend_receiver_reports_duplicate_total')).toBe(1);
  });

  it('accepts the ARCHITECTURE.md example report with a short (2s) window, gzip-encoded too', async () => {
    r = await startTestReceiver({ config: { windowMs: 2000 } });
    const start = Math.floor(NOW_MS / 2000) * 2000 - 2000;
    const example = {
      schema_version: 1,
      report_id: '0b9f5f0e-6c1e-4f57-9a8e-2f1d8a4b7c11',
      version: '1.4.2',
      stack_id: '3d9c49ce-8367-43ec-8884-568c8d43faec',
      window: { start: formatUtcTimestamp(start), end: formatUtcTimestamp(start + 2000) },
      metrics: { tokenizeSuccess: 4, tokenizeFailure: 0, detokenizeSuccess: 2, detokenizeFailure: 0, createGrantSuccess: 2, createGrantFailure: 0 },
    };
    const response = await fetch(`${r.url}/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(example)),
    });
    expect(response.status).toBe(202);
    // A 24h window is not one window long for this receiver.
    expect((await r.post(reportAt())).body.error).toBe('invalid_window');
  });

  describe('schema violations answer 400 naming each failing path', () => {
    let s: TestReceiver;
    beforeAll(async () => {
      s = await startTestReceiver();
    });
    afterAll(() => s.close());
    const valid = () => reportAt() as unknown as Record<string, unknown>;
    const cases: [string, (b: Record<string, unknown>) => unknown, string][] = [
      ['missing property', (b) => ({ ...b, report_id: undefined }), '/report_id'],
      ['unknown root property', (b) => ({ ...b, client_ip: '198.51.100.1' }), '/client_ip'],
      ['unknown metric', (b) => ({ ...b, metrics: { ...(b.metrics as object), exportAll: 1 } }), '/metrics/exportAll'],
      ['missing metric', (b) => ({ ...b, metrics: { ...(b.metrics as object), tokenizeFailure: undefined } }), '/metrics/tokenizeFailure'],
      ['unknown window property', (b) => ({ ...b, window: { ...(b.window as object), tz: 'UTC' } }), '/window/tz'],
      ['negative count', (b) => ({ ...b, metrics: { ...(b.metrics as object), tokenizeSuccess: -1 } }), '/metrics/tokenizeSuccess'],
      ['fractional count', (b) => ({ ...b, metrics: { ...(b.metrics as object), detokenizeSuccess: 1.5 } }), '/metrics/detokenizeSuccess'],
      ['count above 2^53 − 1', (b) => ({ ...b, metrics: { ...(b.metrics as object), createGrantSuccess: 2 ** 53 } }), '/metrics/createGrantSuccess'],
      ['count as a string', (b) => ({ ...b, metrics: { ...(b.metrics as object), tokenizeSuccess: '4' } }), '/metrics/tokenizeSuccess'],
      ['stack id not a UUID v4', (b) => ({ ...b, stack_id: 'lunasec' }), '/stack_id'],
      ['report id upper-case', (b) => ({ ...b, report_id: String(b.report_id).toUpperCase() }), '/report_id'],
      ['version not semver', (b) => ({ ...b, version: 'latest' }), '/version'],
      ['version too long', (b) => ({ ...b, version: `1.0.0-${'a'.repeat(64)}` }), '/version'],
      ['timestamp not UTC', (b) => ({ ...b, window: { ...(b.window as object), start: '2026-03-09T00:00:00+01:00' } }), '/window/start'],
      ['schema version never published', (b) => ({ ...b, schema_version: 0 }), '/schema_version'],
      ['schema version as a string', (b) => ({ ...b, schema_version: '1' }), '/schema_version'],
      ['not an object', () => [1, 2, 3], '/'],
    ];
    it.each(cases)('%s', async (_name, mutate, path) => {
      const response = await s.post(JSON.stringify(mutate(valid())));
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('schema_violation');
      expect((response.body.details as { path: string }[]).map((d) => d.path)).toContain(path);
    });
  });

  it('answers 415 for anything but JSON, 400 for malformed JSON and 413 above the body limit', async () => {
    r = await startTestReceiver({ config: { maxBodyBytes: 2048 } });
    const body = JSON.stringify(reportAt());
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/x-protobuf']) {
      const response = await fetch(`${r.url}/v1/reports`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(response.status).toBe(415);
      expect(((await response.json()) as { error: string }).error).toBe('unsupported_media_type');
    }
    const noType = await fetch(`${r.url}/v1/reports`, { method: 'POST', body: new Blob([body]) });
    expect(noType.status).toBe(415);
    expect(await r.post('{"schema_version":1,')).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
    const big = { ...reportAt(), padding: 'x'.repeat(4096) };
    expect(await r.post(big)).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
    // The limit applies after decompression: a small gzip of a large body is refused as well.
    const bomb = await fetch(`${r.url}/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(big)),
    });
    expect(bomb.status).toBe(413);
    expect(await metricValue(r, 'lunadefend_receiver_reports_rejected_total{reason="unsupported_media_type"}')).toBe(4);
  });

  it('refuses windows that are misaligned, of the wrong length, in the future or too old', async () => {
    r = await startTestReceiver({ config: { clockSkewMs: 60_000, maxReportAgeMs: 3 * DAY_MS } });
    const w = (startMs: number, endMs: number) =>
      reportAt(YESTERDAY_MS, { window: { start: formatUtcTimestamp(startMs), end: formatUtcTimestamp(endMs) } });
    const misaligned = await r.post(w(YESTERDAY_MS + 3_600_000, YESTERDAY_MS + 3_600_000 + DAY_MS));
    expect(misaligned).toMatchObject({ status: 400, body: { error: 'invalid_window' } });
    expect(misaligned.body.details).toEqual([expect.objectContaining({ path: '/window/start' })]);
    const short = await r.post(w(YESTERDAY_MS, YESTERDAY_MS + DAY_MS / 2));
    expect(short).toMatchObject({ status: 400, body: { error: 'invalid_window', details: [expect.objectContaining({ path: '/window/end' })] } });
    // Today's window ends at midnight, 12 h after "now".
    expect((await r.post(reportAt(YESTERDAY_MS + DAY_MS))).body.error).toBe('window_in_future');
    // Within the skew is fine: move the clock to one minute before midnight.
    r.clock.ms = YESTERDAY_MS + 2 * DAY_MS - 60_000;
    expect((await r.post(reportAt(YESTERDAY_MS + DAY_MS))).status).toBe(202);
    // The window of 2026-03-06 ended 3 days and 23 h 59 m ago: older than 3 days.
    expect((await r.post(reportAt(YESTERDAY_MS - 3 * DAY_MS))).body.error).toBe('window_too_old');
    expect((await r.post(reportAt(YESTERDAY_MS - 2 * DAY_MS))).status).toBe(202);
  });

  it('rate-limits per client with 429 and Retry-After', async () => {
    r = await startTestReceiver({ config: { clientRateLimit: { requests: 3, perMs: 60_000 } } });
    for (let i = 0; i < 3; i += 1) expect((await r.post(reportAt())).status).toBe(202);
    const limited = await r.post(reportAt());
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toBe('20');
    // One token comes back after 20 s.
    r.clock.ms += 20_000;
    expect((await r.post(reportAt())).status).toBe(202);
    expect((await r.post(reportAt())).status).toBe(429);
  });

  it('rate-limits per stack id with 429 and Retry-After, independently of other stacks', async () => {
    r = await startTestReceiver({ config: { stackRateLimit: { requests: 2, perMs: 3_600_000 } } });
    const stack = reportAt().stack_id;
    expect((await r.post(reportAt(YESTERDAY_MS, { stack_id: stack }))).status).toBe(202);
    expect((await r.post(reportAt(YESTERDAY_MS - DAY_MS, { stack_id: stack }))).status).toBe(202);
    const limited = await r.post(reportAt(YESTERDAY_MS - 2 * DAY_MS, { stack_id: stack }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBe(1800);
    expect((await r.post(reportAt())).status).toBe(202);
  });

  it('bounds reports per (stack id, window) with 409', async () => {
    r = await startTestReceiver({ config: { maxReportsPerWindow: 2 } });
    const stack = reportAt().stack_id;
    expect((await r.post(reportAt(YESTERDAY_MS, { stack_id: stack, version: '1.4.2' }))).status).toBe(202);
    expect((await r.post(reportAt(YESTERDAY_MS, { stack_id: stack, version: '1.5.0' }))).status).toBe(202);
    const third = await r.post(reportAt(YESTERDAY_MS, { stack_id: stack, version: '1.5.1' }));
    expect(third).toMatchObject({ status: 409, body: { error: 'window_report_limit' } });
  });

  it('refuses a blocked stack id with 403 and counts it; unblocking lets it in again', async () => {
    r = await startTestReceiver({ config: { adminToken: 'admin-token-0123456789' } });
    const auth = { authorization: 'Bearer admin-token-0123456789', 'content-type': 'application/json' };
    const report = reportAt();
    const block = await fetch(`${r.url}/v1/admin/blocked-stacks/${report.stack_id}`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ reason: 'fake counts' }),
    });
    expect(block.status).toBe(200);
    expect(await r.post(report)).toMatchObject({ status: 403, body: { error: 'stack_blocked' } });
    expect(await r.post(report)).toMatchObject({ status: 403 });
    expect(await metricValue(r, 'lunadefend_receiver_reports_rejected_total{reason="stack_blocked"}')).toBe(2);
    const list = await r.get('/v1/admin/blocked-stacks', auth);
    expect(list.body.blocked).toEqual([expect.objectContaining({ stackId: report.stack_id, reason: 'fake counts' })]);
    const unblock = await fetch(`${r.url}/v1/admin/blocked-stacks/${report.stack_id}`, { method: 'DELETE', headers: auth });
    expect(unblock.status).toBe(200);
    expect((await r.post(report)).status).toBe(202);
  });

  it('sees a block made directly in storage (another replica, the CLI) within the refresh interval', async () => {
    r = await startTestReceiver({ blockListRefreshMs: 10_000 });
    const report = reportAt();
    expect((await r.post(reportAt(YESTERDAY_MS - DAY_MS, { stack_id: report.stack_id }))).status).toBe(202);
    await r.receiver.storage.blockStack(report.stack_id, 'cli', new Date(r.clock.ms));
    r.clock.ms += 10_000;
    expect((await r.post(report)).status).toBe(403);
  });
});

describe('plausibility bounds and the alert webhook', () => {
  const received: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
  let hook: ReturnType<typeof createServer>;
  let hookUrl: string;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/secret-path`;
  });
  afterAll(() => new Promise<void>((resolve) => hook.close(() => resolve())));

  it('stores an implausible report flagged, leaves it out of stats and POSTs one alert per flagged report', async () => {
    r = await startTestReceiver({
      config: {
        adminToken: 'admin-token-0123456789',
        alertWebhookUrl: hookUrl,
        plausibilityBoundsPerDay: { ...zeroMetricsBounds(), tokenizeSuccess: 1000, detokenizeFailure: 50 },
      },
    });
    const normal = reportAt();
    const fake = reportAt(YESTERDAY_MS, { metrics: { ...zeroMetrics(), tokenizeSuccess: 987_654_321, detokenizeFailure: 51 } });
    const fake2 = reportAt(YESTERDAY_MS, { metrics: { ...zeroMetrics(), tokenizeSuccess: 1001 } });
    expect((await r.post(normal)).status).toBe(202);
    expect((await r.post(fake)).status).toBe(202);
    expect((await r.post(fake)).status).toBe(200); // a retry of a flagged report: no second alert
    expect((await r.post(fake2)).status).toBe(202);

    const stats = await r.receiver.storage.dailyStats({ from: '2026-03-09', to: '2026-03-09' });
    expect(stats).toEqual([
      { day: '2026-03-09', activeDeployments: 1, deploymentsByVersion: { '1.4.2': 1 }, totals: normal.metrics },
    ]);
    const flagged = await r.receiver.storage.flaggedReports({ from: '2026-03-09', to: '2026-03-09', limit: 10, offset: 0 });
    expect(flagged.map((f) => f.reportId).sort()).toEqual([fake.report_id, fake2.report_id].sort());
    const daily = await r.get('/v1/stats/daily?from=2026-03-09&to=2026-03-09', { authorization: 'Bearer admin-token-0123456789' });
    expect(daily.body.days).toEqual(stats);

    await r.receiver.shutdown(); // waits for webhook deliveries in flight

    expect(received).toHaveLength(2);
    const first = received.find((x) => x.body.reportId === fake.report_id)!;
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.body).toMatchObject({
      event: 'report_flagged',
      reportId: fake.report_id,
      stackId: fake.stack_id,
      reason: 'above plausibility bound: tokenizeSuccess > 1000, detokenizeFailure > 50 per window',
    });
    // Never the raw report: no counts, no metrics object.
    expect(JSON.stringify(first.body)).not.toContain('987654321');
    expect(first.body).not.toHaveProperty('metrics');
    expect(received.map((x) => x.body.reportId).sort()).toEqual([fake.report_id, fake2.report_id].sort());
  });
});

function zeroMetricsBounds() {
  const bounds = zeroMetrics();
  for (const key of Object.keys(bounds) as (keyof typeof bounds)[]) bounds[key] = 1_000_000_000;
  return bounds;
}
