// The OTLP/HTTP intake: POST /v1/metrics in protobuf or JSON, optionally gzipped. It answers 200
// only after the consumer returned `accepted` (the consumer commits before it returns; concurrent
// requests are committed together, see group-commit.ts), 503 with Retry-After when the consumer
// is unavailable, and the spec's 4xx for everything it refuses.
// Every refusal is counted by reason; at most one debug line per refused request, never content.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { parseHostPort } from '@lunadefend/config';
import type { Component, IntakeObserver, Logger, MetricsConsumer } from '../component.js';
import { CollectorError } from '../errors.js';
import { readBody } from './body-reader.js';
import { createGroupCommit } from './group-commit.js';
import { decodeJsonMetricsRequest } from './decode-json.js';
import { decodeProtobufMetricsRequest } from './decode-protobuf.js';
import { OtlpDecodeError } from './decode-error.js';
import { checkJsonShape } from './json-shape.js';
import { countDataPoints, type MetricsRequest } from '../model/metrics-request.js';
import {
  BAD_GZIP,
  MALFORMED,
  METHOD_NOT_ALLOWED,
  NOT_FOUND,
  OTLP_METRICS_PATH,
  TOO_LARGE,
  UNAVAILABLE,
  UNAVAILABLE_AFTER_ERROR,
  UNSUPPORTED_CODING,
  UNSUPPORTED_MEDIA_TYPE,
  type Refusal,
} from './refusals.js';
import { contentCodingOf, declaredLengthOf, encodingOf } from './request-headers.js';
import { encodeExportMetricsResponse, encodeStatus, OTLP_CONTENT_TYPES, type OtlpEncoding } from './responses.js';

export interface OtlpHttpIntakeOptions {
  /** `host:port`; port 0 picks a free port (see address()). */
  readonly endpoint: string;
  readonly maxRequestBodyBytes: number;
  readonly consumer: MetricsConsumer;
  readonly observer: IntakeObserver;
  readonly logger: Logger;
  /** Most objects (data points, attributes, metrics) one request may decode into. Default body limit / 16. */
  readonly maxDecodedItems?: number;
  /** How long shutdown() waits for requests still uploading before it cuts them off. Default 5 s. */
  readonly shutdownGraceMs?: number;
  /** Longest a request may take to arrive, headers and body (408 after). Default 10 s. */
  readonly requestTimeoutMs?: number;
}

export interface OtlpHttpIntake extends Component {
  /** The bound address; valid after start() resolved. */
  address(): { host: string; port: number };
}

export function createOtlpHttpIntake(options: OtlpHttpIntakeOptions): OtlpHttpIntake {
  const { observer, logger, maxRequestBodyBytes } = options;
  const group = createGroupCommit(options.consumer);
  const listen = parseHostPort(options.endpoint);
  if (listen === undefined) throw new CollectorError('CONFIG_INVALID', `otlp intake: endpoint must be host:port, got "${options.endpoint}"`);
  if (!Number.isSafeInteger(maxRequestBodyBytes) || maxRequestBodyBytes <= 0) {
    throw new CollectorError('CONFIG_INVALID', 'otlp intake: maxRequestBodyBytes must be a positive integer');
  }
  const graceMs = options.shutdownGraceMs ?? 5_000;
  // A real data point or attribute takes well over 16 bytes on the wire (times and values alone
  // are 18), so this refuses only requests built to blow up in memory (see ItemBudget).
  const maxItems = options.maxDecodedItems ?? Math.max(1024, Math.floor(maxRequestBodyBytes / 16));
  // JSON.parse builds the whole tree before the item budget can apply: the text is checked first
  // for its number of values (one per 96 bytes of the limit: ~9,000 data points in 8 MiB, where an
  // SDK export of the catalog counters holds a handful), which bounds what parsing can allocate:
  // peak memory stays under 4x the body limit (docs/benchmarks.md, Collector).
  const maxJsonValues = Math.max(1024, Math.floor(maxRequestBodyBytes / 96));
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  let server: Server | undefined;
  let closing: Promise<void> | undefined;

  function decodeJsonBody(bytes: Buffer, limits: { maxItems: number }): MetricsRequest {
    checkJsonShape(bytes, maxJsonValues);
    return decodeJsonMetricsRequest(bytes.toString('utf8'), limits);
  }

  function refuse(res: ServerResponse, encoding: OtlpEncoding | undefined, refusal: Refusal, headers: Record<string, string> = {}): void {
    observer.requestRefused(refusal.reason);
    logger.debug({ status: refusal.status, reason: refusal.reason }, 'otlp intake: request refused');
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (encoding === undefined) send(res, refusal.status, 'text/plain; charset=utf-8', Buffer.from(`${refusal.message}\n`));
    else send(res, refusal.status, OTLP_CONTENT_TYPES[encoding], encodeStatus(encoding, refusal.grpcCode, refusal.message));
  }

  function send(res: ServerResponse, status: number, contentType: string, body: Buffer): void {
    if (closing !== undefined) res.setHeader('Connection', 'close');
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': body.length });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?', 1)[0];
    const encoding = encodingOf(req.headers);
    if (path !== OTLP_METRICS_PATH) return refuse(res, encoding, NOT_FOUND);
    if (req.method !== 'POST') return refuse(res, encoding, METHOD_NOT_ALLOWED, { Allow: 'POST' });
    if (encoding === undefined) return refuse(res, undefined, UNSUPPORTED_MEDIA_TYPE);
    const coding = contentCodingOf(req.headers);
    if (coding === undefined) return refuse(res, encoding, UNSUPPORTED_CODING);
    const declared = declaredLengthOf(req.headers);
    // Refused unread: close the connection rather than drain a body we will not use.
    if (declared !== undefined && declared > maxRequestBodyBytes) return refuse(res, encoding, TOO_LARGE, { Connection: 'close' });

    const body = await readBody(req, coding, maxRequestBodyBytes);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too_large') return refuse(res, encoding, TOO_LARGE, { Connection: 'close' });
    if (body.kind === 'bad_gzip') return refuse(res, encoding, BAD_GZIP);

    let request: MetricsRequest;
    try {
      const limits = { maxItems };
      request =
        encoding === 'protobuf'
          ? decodeProtobufMetricsRequest(body.bytes, limits)
          : decodeJsonBody(body.bytes, limits);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      if (error.code === 'OTLP_TOO_MANY_ITEMS') return refuse(res, encoding, { ...TOO_LARGE, message: error.message });
      return refuse(res, encoding, { ...MALFORMED, message: error.message });
    }
    const points = countDataPoints(request);
    // Like the Go collector: a request without points is a success with nothing to commit.
    if (points === 0) return send(res, 200, OTLP_CONTENT_TYPES[encoding], encodeExportMetricsResponse(encoding));

    // Concurrent requests are committed together (group commit); each settles after its group.
    const outcome = await group.submit(request);
    if (outcome.kind === 'unavailable') {
      const retryAfter = String(Math.max(1, Math.ceil(outcome.retryAfterSeconds)));
      return refuse(res, encoding, { ...UNAVAILABLE, message: `unavailable: ${outcome.reason}` }, { 'Retry-After': retryAfter });
    }
    const rejected = Math.min(points, Math.max(0, outcome.rejectedDataPoints));
    const partial = { rejectedDataPoints: rejected, errorMessage: outcome.errorMessage };
    send(res, 200, OTLP_CONTENT_TYPES[encoding], encodeExportMetricsResponse(encoding, partial));
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    handle(req, res).catch((error: unknown) => {
      // A consumer that throws (or rejects) broke its contract; nothing of the request was
      // committed, so the client may retry. Log the kind of error only: its message could quote data.
      const { name, code } = error as { name?: unknown; code?: unknown };
      logger.error({ error: String(name), code: typeof code === 'string' ? code : undefined }, 'otlp intake: request failed');
      if (res.headersSent) res.destroy();
      else refuse(res, encodingOf(req.headers), UNAVAILABLE_AFTER_ERROR, { 'Retry-After': '1' });
    });
  }

  function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    // A client that hung up needs no answer; anything else the HTTP parser rejected is malformed.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      observer.requestRefused('request_timeout');
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    observer.requestRefused('malformed');
    logger.debug({ status: 400, reason: 'malformed' }, 'otlp intake: unparseable HTTP request');
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }

  const intake: OtlpHttpIntake = {
    async start(): Promise<void> {
      if (server !== undefined || closing !== undefined) throw new Error('otlp intake: start() called twice');
      // A request must arrive whole within requestTimeoutMs (checked every second), not Node's 300 s.
      const created = createServer({ requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: 1000 }, onRequest);
      created.on('clientError', onClientError);
      server = created;
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void =>
          reject(new CollectorError('LISTEN_FAILED', `otlp intake: cannot listen on ${options.endpoint}: ${error.message}`, { cause: error }));
        created.once('error', onError);
        created.listen(listen.port, listen.host, () => {
          created.off('error', onError);
          resolve();
        });
      });
      logger.info({ port: intake.address().port }, 'otlp intake: listening');
    },

    address(): { host: string; port: number } {
      const bound = server?.address();
      if (bound === undefined || bound === null || typeof bound === 'string') throw new Error('otlp intake: not started');
      return { host: bound.address, port: bound.port };
    },

    shutdown(): Promise<void> {
      if (closing !== undefined) return closing;
      const current = server;
      if (current === undefined || !current.listening) {
        closing = Promise.resolve();
        return closing;
      }
      closing = new Promise<void>((resolve) => {
        // close() stops accepting and resolves once every connection is gone; in-flight requests
        // finish and answer with Connection: close, idle keep-alive sockets go now.
        const timer = setTimeout(() => current.closeAllConnections(), graceMs);
        timer.unref();
        current.close(() => {
          clearTimeout(timer);
          resolve();
        });
        current.closeIdleConnections();
      });
      return closing;
    },
  };
  return intake;
}
