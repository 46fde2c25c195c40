// One POST of a report body to the receiver. Each answer is named once: delivered (any 2xx,
// including 200 "duplicate"), or a failure with its error code — EXPORT_THROTTLED (429, 5xx),
// EXPORT_NETWORK, EXPORT_TIMEOUT, EXPORT_WINDOW_IN_FUTURE (a window the receiver's clock has not
// reached yet), EXPORT_SCHEMA_VERSION (a receiver older than our report schema version) or
// EXPORT_REJECTED (any other status); whether that code is retried is the error table's call.
// The body is sent exactly as stored; the response body is read only for a short error code.
// `timeoutMs` bounds the whole exchange — connect, request and response together — so a
// receiver trickling bytes costs at most that.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { receiptFromJson, type Receipt } from '@lunadefend/config';
import { sendFailed, type DeliveredOutcome, type ReportTransport, type SendResult } from './report-transport.js';

const MAX_RESPONSE_BYTES = 16 * 1024;

export function createHttpTransport(options: {
  readonly endpoint: string;
  readonly timeoutMs: number;
  /** Sent as Authorization: Bearer when set (a receiver with ingest keys); never logged. */
  readonly ingestKey?: string;
  /** Called once per POST (the collector counts export attempts). */
  readonly onAttempt?: () => void;
}): ReportTransport {
  const auth = options.ingestKey === undefined || options.ingestKey === '' ? {} : { authorization: `Bearer ${options.ingestKey}` };
  const url = new URL(options.endpoint);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return {
    send: (body) =>
      new Promise<SendResult>((resolve) => {
        const payload = Buffer.from(body, 'utf8');
        options.onAttempt?.();
        let settled = false;
        const finish = (result: SendResult) => {
          if (!settled) {
            settled = true;
            clearTimeout(deadline);
            resolve(result);
          }
        };
        const req = request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': payload.length, 'user-agent': 'lunadefend-collector', ...auth },
          agent: false,
        });
        // A total deadline, not a socket idle timeout: each trickled byte would reset that one.
        const deadline = setTimeout(() => {
          finish(sendFailed({ code: 'EXPORT_TIMEOUT', status: null, detail: `no complete response within ${options.timeoutMs} ms` }));
          req.destroy();
        }, options.timeoutMs);
        deadline.unref();
        req.on('error', (error: NodeJS.ErrnoException) => {
          finish(sendFailed({ code: 'EXPORT_NETWORK', status: null, detail: error.code ?? 'network error' }));
        });
        req.on('response', (res) => {
          readBody(res).then(
            (text) => finish(classify(res, text)),
            () => finish(sendFailed({ code: 'EXPORT_NETWORK', status: res.statusCode ?? null, detail: 'response interrupted', serverDate: res.headers.date })),
          );
        });
        req.end(payload);
      }),
  };
}

function classify(res: IncomingMessage, text: string): SendResult {
  const status = res.statusCode ?? 0;
  const serverDate = res.headers.date;
  if (status >= 200 && status < 300) return { kind: 'delivered', status, ...deliveredAnswer(text), serverDate };
  const retryAfter = typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined;
  if (status === 429 || status >= 500) return sendFailed({ code: 'EXPORT_THROTTLED', status, retryAfter, detail: `HTTP ${status}`, serverDate });
  const detail = describeError(status, text);
  // Our clock is ahead of the receiver's: the window is valid, only early.
  if (status === 400 && errorCode(text) === 'window_in_future') return sendFailed({ code: 'EXPORT_WINDOW_IN_FUTURE', status, retryAfter, detail, serverDate });
  if (isSchemaVersionMismatch(text)) return sendFailed({ code: 'EXPORT_SCHEMA_VERSION', status, retryAfter, detail, serverDate });
  return sendFailed({ code: 'EXPORT_REJECTED', status, retryAfter, detail, serverDate });
}

/** The receiver answers {"status":"accepted"|"duplicate","receipt":{…}}; a repeated report_id is "duplicate". */
function deliveredAnswer(text: string): { outcome: DeliveredOutcome; receipt?: Receipt | undefined } {
  try {
    const parsed = JSON.parse(text) as { status?: unknown; receipt?: unknown };
    return { outcome: parsed.status === 'duplicate' ? 'duplicate' : 'accepted', receipt: receiptFromJson(parsed.receipt) };
  } catch {
    return { outcome: 'accepted' };
  }
}

function errorCode(text: string): string | undefined {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The receiver does not know our schema version yet: it says so (`unsupported_schema_version`), or,
 * released before it could, refuses `/schema_version` as a schema violation. Our reports are
 * checked against our own schema before they are sent, so that complaint can only mean an older
 * receiver: never dead-letter it (docs/report-contract.md).
 */
function isSchemaVersionMismatch(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; details?: unknown };
    if (parsed.error === 'unsupported_schema_version') return true;
    return parsed.error === 'schema_violation' && Array.isArray(parsed.details) && parsed.details.some((d: { path?: unknown } | null) => d?.path === '/schema_version');
  } catch {
    return false;
  }
}

/** "HTTP 400 invalid_report: /metrics/x is required" — the receiver's {error, details}, bounded. */
function describeError(status: number, text: string): string {
  let detail = '';
  try {
    const parsed = JSON.parse(text) as { error?: unknown; details?: unknown };
    if (typeof parsed.error === 'string') detail = parsed.error;
    if (parsed.details !== undefined) detail += `: ${JSON.stringify(parsed.details)}`;
  } catch {
    detail = '';
  }
  const line = detail === '' ? `HTTP ${status}` : `HTTP ${status} ${detail}`;
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('aborted')));
  });
}
