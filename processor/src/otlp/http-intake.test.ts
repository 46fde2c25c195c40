import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumeOutcome, MetricsConsumer } from '../component.js';
import type { IntakeRefusal } from '../model/reasons.js';
import { createOtlpHttpIntake, type OtlpHttpIntake } from './http-intake.js';
import { countDataPoints, type MetricsRequest } from '../model/metrics-request.js';
import { createOtlpReferenceCodec } from '../testing/reference-codec.js';

const codec = createOtlpReferenceCodec();
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };
const LIMIT = 4 * 1024 * 1024;

/**
 * Our own MetricsConsumer contract, implemented by recording what it was handed: each request, and
 * for each accepted one its points as [accepted, rejected].
 */
function createRecordingConsumer(answer: (request: MetricsRequest) => ConsumeOutcome = () => accepted(0)) {
  const requests: MetricsRequest[] = [];
  const points: Array<[number, number]> = [];
  const consumer: MetricsConsumer = {
    consumeBatch: (batch) =>
      batch.map((request) => {
        requests.push(request);
        const outcome = answer(request);
        if (outcome.kind === 'accepted') points.push([countDataPoints(request) - outcome.rejectedDataPoints, outcome.rejectedDataPoints]);
        return outcome;
      }),
  };
  return { consumer, requests, points };
}
const accepted = (rejectedDataPoints: number, errorMessage = ''): ConsumeOutcome => ({ kind: 'accepted', rejectedDataPoints, errorMessage });

interface Harness {
  intake: OtlpHttpIntake;
  requests: MetricsRequest[];
  refusals: IntakeRefusal[];
  points: Array<[number, number]>;
  logs: string[];
}

let running: OtlpHttpIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((intake) => intake.shutdown()));
  running = [];
});

async function startIntake(answer?: (request: MetricsRequest) => ConsumeOutcome, maxRequestBodyBytes = LIMIT): Promise<Harness> {
  const { consumer, requests, points } = createRecordingConsumer(answer);
  const refusals: IntakeRefusal[] = [];
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(line) });
  const observer = { requestRefused: (reason: IntakeRefusal) => refusals.push(reason) };
  const intake = createOtlpHttpIntake({ endpoint: '127.0.0.1:0', maxRequestBodyBytes, consumer, observer, logger });
  await intake.start();
  running.push(intake);
  return { intake, requests, refusals, points, logs };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * One HTTP request: a single body buffer is sent with Content-Length, an array of parts chunked.
 * A reply that arrives before the server closes an over-long upload still counts.
 */
function send(intake: OtlpHttpIntake, options: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: Buffer | Buffer[] }): Promise<Reply> {
  const { port } = intake.address();
  return new Promise((resolve, reject) => {
    let replied = false;
    const headers = { ...options.headers };
    if (Buffer.isBuffer(options.body)) headers['Content-Length'] = options.body.length;
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/v1/metrics', headers }, (res) => {
      replied = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!replied) reject(error);
    });
    const parts = options.body === undefined ? [] : Array.isArray(options.body) ? options.body : [options.body];
    for (const part of parts) req.write(part);
    req.end();
  });
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
function sampleRequest(pointCount = 2, extra: object = {}): object {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.version', '1.4.2'), str('lunadefend.stack_id', '3d9c49ce-8367-43ec-8884-568c8d43faec')] },
        scopeMetrics: [
          {
            scope: { name: 'lunadefend' },
            metrics: [
              {
                name: 'lunadefend.tokenize.success',
                ...extra,
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: Array.from({ length: pointCount }, (_, i) => ({
                    attributes: [str('route', `r${i}`)],
                    startTimeUnixNano: '1764000000000000000',
                    timeUnixNano: '1764000060000000000',
                    asInt: i + 1,
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}
const protobufBody = (pointCount = 2) => Buffer.from(codec.encodeRequest(sampleRequest(pointCount)));
const jsonBody = (pointCount = 2) => Buffer.from(JSON.stringify(sampleRequest(pointCount)));

describe('OTLP/HTTP intake: accepted requests', () => {
  it('decodes protobuf, hands it to the consumer and answers an empty ExportMetricsServiceResponse', async () => {
    const h = await startIntake();
    const reply = await send(h.intake, { headers: PROTOBUF, body: protobufBody(3) });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-protobuf');
    expect(codec.decodeResponse(reply.body)).toEqual({});
    expect(h.requests).toHaveLength(1);
    expect(countDataPoints(h.requests[0] as MetricsRequest)).toBe(3);
    expect(h.points).toEqual([[3, 0]]);
    expect(h.refusals).toEqual([]);
  });

  it('decodes JSON and answers in JSON', async () => {
    const h = await startIntake();
    const reply = await send(h.intake, { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: jsonBody(2) });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body.toString())).toEqual({});
    expect(h.requests[0]?.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.name).toBe('lunadefend.tokenize.success');
  });

  it.each([
    ['protobuf', PROTOBUF, protobufBody],
    ['JSON', JSON_TYPE, jsonBody],
  ])('accepts gzip-compressed %s', async (_name, headers, body) => {
    const h = await startIntake();
    const reply = await send(h.intake, { headers: { ...headers, 'Content-Encoding': 'gzip' }, body: gzipSync(body(5)) });
    expect(reply.status).toBe(200);
    expect(h.points).toEqual([[5, 0]]);
  });

  it('carries rejected points through as partial_success in both encodings', async () => {
    const h = await startIntake(() => accepted(1, '1 data point rejected: value out of range'));
    const proto = await send(h.intake, { headers: PROTOBUF, body: protobufBody(3) });
    expect(proto.status).toBe(200);
    expect(codec.decodeResponse(proto.body)).toEqual({
      partialSuccess: { rejectedDataPoints: '1', errorMessage: '1 data point rejected: value out of range' },
    });
    const json = await send(h.intake, { headers: JSON_TYPE, body: jsonBody(3) });
    expect(JSON.parse(json.body.toString())).toEqual({
      partialSuccess: { rejectedDataPoints: '1', errorMessage: '1 data point rejected: value out of range' },
    });
    expect(h.points).toEqual([
      [2, 1],
      [2, 1],
    ]);
  });

  it('answers an empty request 200 without troubling the consumer', async () => {
    const h = await startIntake();
    expect((await send(h.intake, { headers: PROTOBUF, body: Buffer.alloc(0) })).status).toBe(200);
    expect((await send(h.intake, { headers: JSON_TYPE, body: Buffer.from('{}') })).status).toBe(200);
    const noPoints = Buffer.from(codec.encodeRequest({ resourceMetrics: [{ resource: { attributes: [str('service.version', '1')] } }] }));
    expect((await send(h.intake, { headers: PROTOBUF, body: noPoints })).status).toBe(200);
    expect(h.requests).toHaveLength(0);
  });

  it('accepts Content-Encoding: identity as no encoding', async () => {
    const h = await startIntake();
    expect((await send(h.intake, { headers: { ...PROTOBUF, 'Content-Encoding': 'identity' }, body: protobufBody(1) })).status).toBe(200);
    expect(h.points).toEqual([[1, 0]]);
  });

  it('answers only once the consumer has committed the request', async () => {
    let answered = false;
    const answeredWhileCommitting: boolean[] = [];
    const h = await startIntake(() => {
      answeredWhileCommitting.push(answered);
      return accepted(1, 'one rejected');
    });
    const reply = await send(h.intake, { headers: PROTOBUF, body: protobufBody(2) }).then((r) => {
      answered = true;
      return r;
    });
    expect(answeredWhileCommitting).toEqual([false]);
    expect(codec.decodeResponse(reply.body)).toEqual({ partialSuccess: { rejectedDataPoints: '1', errorMessage: 'one rejected' } });
    expect(h.points).toEqual([[1, 1]]);
  });

  it('accepts a chunked body without Content-Length', async () => {
    const h = await startIntake();
    const body = protobufBody(4);
    const reply = await send(h.intake, { headers: PROTOBUF, body: [body.subarray(0, 10), body.subarray(10)] });
    expect(reply.status).toBe(200);
    expect(h.points).toEqual([[4, 0]]);
  });
});

describe('OTLP/HTTP intake: refused requests', () => {
  it('answers 404 for any other path and 405 with Allow for other methods', async () => {
    const h = await startIntake();
    const notFound = await send(h.intake, { path: '/v1/traces', headers: PROTOBUF, body: protobufBody() });
    expect(notFound.status).toBe(404);
    expect(codec.decodeStatus(notFound.body).code).toBe(5);
    const wrongMethod = await send(h.intake, { method: 'GET', headers: JSON_TYPE });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect(JSON.parse(wrongMethod.body.toString())).toMatchObject({ message: 'method not allowed: use POST' });
    expect((await send(h.intake, { method: 'PUT', body: protobufBody() })).status).toBe(405);
    expect(h.refusals).toEqual(['not_found', 'method_not_allowed', 'method_not_allowed']);
  });

  it('answers 415 for other content types and content codings', async () => {
    const h = await startIntake();
    const text = await send(h.intake, { headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('hello') });
    expect(text.status).toBe(415);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect((await send(h.intake, { body: protobufBody() })).status).toBe(415);
    const brotli = await send(h.intake, { headers: { ...PROTOBUF, 'Content-Encoding': 'br' }, body: protobufBody() });
    expect(brotli.status).toBe(415);
    expect(codec.decodeStatus(brotli.body).message).toMatch(/content encoding/);
    expect(h.refusals).toEqual(['unsupported_media_type', 'unsupported_media_type', 'unsupported_media_type']);
    expect(h.requests).toHaveLength(0);
  });

  it.each([
    ['garbage protobuf', PROTOBUF, Buffer.from('definitely not protobuf \u00ff\u00ff\u00ff')],
    ['bad JSON', JSON_TYPE, Buffer.from('{"resourceMetrics":[')],
    ['wrongly typed JSON', JSON_TYPE, Buffer.from('{"resourceMetrics":[{"scopeMetrics":"CANARY-wrong-type"}]}')],
    ['bad gzip', { ...PROTOBUF, 'Content-Encoding': 'gzip' }, Buffer.from('not gzip at all')],
    ['truncated gzip', { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, gzipSync(jsonBody()).subarray(0, 30)],
  ])('answers 400 with a google.rpc.Status for %s', async (_what, headers, body) => {
    const h = await startIntake();
    const reply = await send(h.intake, { headers, body });
    expect(reply.status).toBe(400);
    const status = headers['Content-Type'] === 'application/json' ? JSON.parse(reply.body.toString()) : codec.decodeStatus(reply.body);
    expect(status.code).toBe(3);
    expect(status.message).not.toContain('CANARY');
    expect(h.refusals).toEqual(['malformed']);
    expect(h.requests).toHaveLength(0);
  });

  it('answers 413 for a body over the limit, declared or streamed', async () => {
    const h = await startIntake(undefined, 64 * 1024);
    const big = Buffer.alloc(64 * 1024 + 1);
    expect((await send(h.intake, { headers: PROTOBUF, body: big })).status).toBe(413);
    const streamed = await send(h.intake, { headers: PROTOBUF, body: [big.subarray(0, 40_000), big.subarray(40_000)] });
    expect(streamed.status).toBe(413);
    expect(codec.decodeStatus(streamed.body).message).toMatch(/too large/);
    expect(h.refusals).toEqual(['too_large', 'too_large']);
  });

  it('answers 413 to a small body that would decode into too many objects', async () => {
    const h = await startIntake(undefined, 64 * 1024);
    // 5,000 empty data points take 10 KB on the wire and would take about 500 KB of heap.
    const emptyPoints = Buffer.from(codec.encodeRequest({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', sum: { dataPoints: Array.from({ length: 5_000 }, () => ({})) } }] }] }] }));
    expect(emptyPoints.length).toBeLessThan(64 * 1024);
    const reply = await send(h.intake, { headers: PROTOBUF, body: emptyPoints });
    expect(reply.status).toBe(413);
    expect(codec.decodeStatus(reply.body).message).toMatch(/more than 4096/);
    expect(h.refusals).toEqual(['too_large']);
    expect(h.requests).toHaveLength(0);
  });

  it('answers 413 for a body that is over the limit only after decompression', async () => {
    const h = await startIntake(undefined, 64 * 1024);
    const compressed = gzipSync(Buffer.alloc(64 * 1024 + 1));
    expect(compressed.length).toBeLessThan(1024);
    expect((await send(h.intake, { headers: { ...PROTOBUF, 'Content-Encoding': 'gzip' }, body: compressed })).status).toBe(413);
    expect(h.refusals).toEqual(['too_large']);
  });

  it('answers 413 to a gzip bomb of 1 GiB of zeros without inflating it in memory', async () => {
    const h = await startIntake();
    // Concatenated gzip members decompress to the concatenation: 64 × 16 MiB of zeros in ~1 MiB.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    expect(bomb.length).toBeLessThan(LIMIT);
    const before = process.memoryUsage().rss;
    const reply = await send(h.intake, { headers: { ...PROTOBUF, 'Content-Encoding': 'gzip' }, body: bomb });
    const grownMiB = (process.memoryUsage().rss - before) / 2 ** 20;
    expect(reply.status).toBe(413);
    expect(h.refusals).toEqual(['too_large']);
    // Inflating the whole bomb would need 1024 MiB; the limit is 4 MiB.
    expect(grownMiB).toBeLessThan(256);
  });

  it('answers 400 to a request the HTTP parser cannot read, and counts it', async () => {
    const h = await startIntake();
    const socket = connect(h.intake.address().port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.write('POST /v1/metrics HTTP/1.1\r\nContent-Length: nonsense\r\n\r\n');
    await new Promise((resolve) => socket.on('close', resolve));
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 400 /);
    expect(h.refusals).toEqual(['malformed']);
  });

  it('answers 503 with Retry-After when the consumer is unavailable, in the request encoding', async () => {
    const h = await startIntake(() => ({ kind: 'unavailable', retryAfterSeconds: 2.5, reason: 'state directory not writable' }));
    const reply = await send(h.intake, { headers: PROTOBUF, body: protobufBody() });
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('3');
    expect(codec.decodeStatus(reply.body)).toEqual({ code: 14, message: 'unavailable: state directory not writable' });
    const json = await send(h.intake, { headers: JSON_TYPE, body: jsonBody() });
    expect(json.status).toBe(503);
    expect(JSON.parse(json.body.toString())).toMatchObject({ code: 14 });
    expect(h.refusals).toEqual(['unavailable', 'unavailable']);
    expect(h.points).toEqual([]);
  });

  it('answers 503 and logs no message when the consumer throws', async () => {
    const h = await startIntake(() => {
      throw new Error('CANARY-secret-in-message');
    });
    const reply = await send(h.intake, { headers: PROTOBUF, body: protobufBody() });
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('1');
    expect(h.refusals).toEqual(['unavailable']);
    expect(h.logs.join('')).not.toContain('CANARY');
    expect(h.logs.some((line) => line.includes('otlp intake: request failed'))).toBe(true);
  });

  it('answers 503 to every request of a group whose commit threw', async () => {
    const h = await startIntake(() => {
      throw new Error('CANARY-rejection');
    });
    const replies = await Promise.all([send(h.intake, { headers: JSON_TYPE, body: jsonBody() }), send(h.intake, { headers: PROTOBUF, body: protobufBody() })]);
    expect(replies.map((r) => r.status)).toEqual([503, 503]);
    expect(h.refusals).toEqual(['unavailable', 'unavailable']);
    expect(h.logs.join('')).not.toContain('CANARY');
  });

  it('logs one debug line per refused request and never a body, attribute value or address', async () => {
    const h = await startIntake();
    const canaryBody = Buffer.from('{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":{"stringValue":"CANARY-attr"}}]}, "scopeMetrics": 5}]}');
    await send(h.intake, { headers: JSON_TYPE, body: canaryBody });
    await send(h.intake, { path: '/CANARY-path', headers: JSON_TYPE, body: canaryBody });
    const refusedLines = h.logs.filter((line) => line.includes('refused'));
    expect(refusedLines).toHaveLength(2);
    for (const line of refusedLines) expect(JSON.parse(line)).toMatchObject({ level: 20 });
    expect(h.logs.join('')).not.toMatch(/CANARY|127\.0\.0\.1/);
  });
});

describe('OTLP/HTTP intake: lifecycle', () => {
  it('shutdown() waits for an in-flight request, answers it, and is idempotent', async () => {
    const h = await startIntake();
    const body = protobufBody(2);
    const { port } = h.intake.address();
    const replied = new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/metrics', headers: { ...PROTOBUF, 'Content-Length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(body.subarray(0, 5));
      // The rest of the body arrives only after shutdown has begun.
      setTimeout(() => req.end(body.subarray(5)), 100);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const first = h.intake.shutdown();
    const second = h.intake.shutdown();
    expect(await replied).toBe(200);
    await first;
    await second;
    expect(h.points).toEqual([[2, 0]]);
  });

  it('shutdown() is safe without start()', async () => {
    const { consumer } = createRecordingConsumer();
    const intake = createOtlpHttpIntake({
      endpoint: '127.0.0.1:0',
      maxRequestBodyBytes: LIMIT,
      consumer,
      observer: { requestRefused: () => undefined },
      logger: pino({ level: 'silent' }),
    });
    await intake.shutdown();
    await intake.shutdown();
    expect(() => intake.address()).toThrow(/not started/);
  });

  it('start() fails with the endpoint named when the port is taken', async () => {
    const h = await startIntake();
    const { consumer } = createRecordingConsumer();
    const taken = `127.0.0.1:${h.intake.address().port}`;
    const second = createOtlpHttpIntake({
      endpoint: taken,
      maxRequestBodyBytes: LIMIT,
      consumer,
      observer: { requestRefused: () => undefined },
      logger: pino({ level: 'silent' }),
    });
    await expect(second.start()).rejects.toMatchObject({ code: 'LISTEN_FAILED', message: expect.stringContaining(taken) });
    await second.shutdown();
  });
});
