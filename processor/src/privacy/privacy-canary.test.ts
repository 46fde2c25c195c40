// Canary strings in every place an OTLP request can carry them must appear nowhere the collector
// writes or sends: state files, ledger, logs, /metrics, OTLP responses and the bytes the receiver
// gets. Requests go through the real HTTP intake, in JSON and protobuf.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { getText, postOtlp } from '../testing/otlp-http.js';
import { createOtlpReferenceCodec } from '../testing/reference-codec.js';
import { useTestCollectors } from '../testing/test-collectors.js';

const T0 = Date.UTC(2026, 10, 24, 9);
const TRACE_ID = 'cafe0123456789abcdefcafe01234567';
const SPAN_ID = 'beef0123456789ab';
const CANARY_INT = 987_654_321_987;
const STACK_ID = '3d9c49ce-8367-43ec-8884-568c8d43faec';
const CANARIES = [
  'canary-resource-key', 'canary-resource-value', 'canary-resource-schema', 'canary-scope-name', 'canary-scope-version',
  'canary-scope-key', 'canary-scope-value', 'canary-scope-schema', 'canary-metric-name', 'canary-description', 'canary-unit',
  'canary-metadata-key', 'canary-metadata-value', 'canary-point-key', 'canary-point-value', 'canary-exemplar-key',
  'canary-exemplar-value', 'canary-bad-version', 'canary-nested-value', 'canary-instance-id',
];

const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** A request in protobufjs object form; `ids` renders trace/span ids for JSON (hex) or protobuf (bytes). */
function canaryRequest(value: number, timeMs: number, ids: (hex: string) => unknown) {
  const point = (v: number) => ({
    attributes: [kv('canary-point-key', 'canary-point-value'), { key: 'n', value: { intValue: CANARY_INT } }, { key: 'l', value: { kvlistValue: { values: [kv('x', 'canary-nested-value')] } } }],
    startTimeUnixNano: ns(T0),
    timeUnixNano: ns(timeMs),
    asInt: v,
    exemplars: [{ filteredAttributes: [kv('canary-exemplar-key', 'canary-exemplar-value')], timeUnixNano: ns(timeMs), asInt: 1, traceId: ids(TRACE_ID), spanId: ids(SPAN_ID) }],
  });
  const scope = { name: 'canary-scope-name', version: 'canary-scope-version', attributes: [kv('canary-scope-key', 'canary-scope-value')] };
  const sum = (name: string, v: number) => ({
    name,
    description: 'canary-description',
    unit: 'canary-unit',
    metadata: [kv('canary-metadata-key', 'canary-metadata-value')],
    sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [point(v)] },
  });
  const resource = (version: string) => ({
    attributes: [kv('service.version', version), kv('lunadefend.stack_id', STACK_ID), kv('canary-resource-key', 'canary-resource-value'), kv('service.instance.id', 'canary-instance-id')],
  });
  return {
    resourceMetrics: [
      { resource: resource('1.4.2'), schemaUrl: 'canary-resource-schema', scopeMetrics: [{ scope, schemaUrl: 'canary-scope-schema', metrics: [sum('lunadefend.tokenize.success', value), sum('canary-metric-name', 3)] }] },
      { resource: resource('canary-bad-version'), scopeMetrics: [{ scope, metrics: [sum('lunadefend.tokenize.success', 1)] }] },
    ],
  };
}

const collectors = useTestCollectors();

function findCanaries(where: string, bytes: Buffer): string[] {
  const lower = Buffer.from(bytes.toString('latin1').toLowerCase(), 'latin1');
  const found = CANARIES.filter((c) => lower.includes(Buffer.from(c)));
  if (lower.includes(Buffer.from('canary'))) found.push('canary');
  if (lower.includes(Buffer.from(TRACE_ID)) || bytes.includes(Buffer.from(TRACE_ID, 'hex'))) found.push('trace id');
  if (lower.includes(Buffer.from(SPAN_ID)) || bytes.includes(Buffer.from(SPAN_ID, 'hex'))) found.push('span id');
  if (lower.includes(Buffer.from(String(CANARY_INT)))) found.push('int attribute');
  return found.map((c) => `${c} in ${where}`);
}

describe('privacy', () => {
  it('lets no canary from any place of a request reach state, ledger, logs, /metrics, responses or the receiver', async () => {
    const receiver = await collectors.receiver();
    // The state epoch precedes the client start: its first value counts.
    const { c: collector, f: fixture, clock, log } = await collectors.start({ atMs: T0 - 1000, endpoint: receiver.url() });
    const port = collector.otlpAddress().port;
    const codec = createOtlpReferenceCodec();
    // The detector itself finds every canary in the requests we send.
    expect(findCanaries('json', Buffer.from(JSON.stringify(canaryRequest(1, T0, (hex) => hex))))).toHaveLength(CANARIES.length + 4);
    expect(findCanaries('protobuf', Buffer.from(codec.encodeRequest(canaryRequest(1, T0, (hex) => Buffer.from(hex, 'hex')))))).toHaveLength(CANARIES.length + 3); // the int is a varint there

    const responses = [
      await postOtlp(port, JSON.stringify(canaryRequest(5, T0 + 10, (hex) => hex))),
      await postOtlp(port, Buffer.from(codec.encodeRequest(canaryRequest(8, T0 + 20, (hex) => Buffer.from(hex, 'hex')))), 'application/x-protobuf'),
    ];
    const gzipped = gzipSync(JSON.stringify(canaryRequest(9, T0 + 30, (hex) => hex)));
    responses.push(await new Promise((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
        });
        req.on('error', reject);
        req.end(gzipped);
      }, reject);
    }));
    for (const response of responses) expect(response.status).toBe(200);
    expect(responses[0]?.body).toContain('rejectedDataPoints'); // the bad-version point went back as partial success

    const metricsWhileOpen = await getText(collector.metricsAddress().port, '/metrics');
    clock.set(Date.UTC(2026, 10, 25));
    await collector.tick();
    expect(receiver.requests).toHaveLength(1);
    expect(JSON.parse(receiver.requests[0]?.body.toString('utf8') ?? '{}')).toMatchObject({ stack_id: STACK_ID, version: '1.4.2', metrics: { tokenizeSuccess: 9 } });
    const metricsAfter = await getText(collector.metricsAddress().port, '/metrics');

    const leaks: string[] = [];
    const scanState = (when: string) => {
      for (const name of readdirSync(fixture.stateDirectory)) {
        leaks.push(...findCanaries(`${when} state file ${name}`, readFileSync(join(fixture.stateDirectory, name))));
      }
    };
    scanState('running');
    await collector.shutdown();
    scanState('stopped');
    leaks.push(...findCanaries('logs', Buffer.from(log.lines.join(''))));
    leaks.push(...findCanaries('/metrics', Buffer.from(metricsWhileOpen.body + metricsAfter.body)));
    responses.forEach((r, i) => leaks.push(...findCanaries(`OTLP response ${i}`, Buffer.from(r.body, 'latin1'))));
    for (const req of receiver.requests) leaks.push(...findCanaries('receiver', Buffer.concat([Buffer.from(JSON.stringify(req.headers)), req.body])));
    expect(leaks).toEqual([]);
    expect(log.lines.length).toBeGreaterThan(0);
  });
});
