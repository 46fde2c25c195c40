// What the intake reads from request headers: the OTLP encoding chosen by Content-Type and the
// content coding. Media types and codings are case-insensitive; parameters such as charset are
// ignored (OTLP/JSON is always UTF-8).

import type { IncomingHttpHeaders } from 'node:http';
import type { OtlpEncoding } from './responses.js';

export function encodingOf(headers: IncomingHttpHeaders): OtlpEncoding | undefined {
  const contentType = headers['content-type'];
  if (contentType === undefined) return undefined;
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

export type ContentCoding = 'identity' | 'gzip';

/** The request's single content coding; undefined when it is one the intake cannot decode. */
export function contentCodingOf(headers: IncomingHttpHeaders): ContentCoding | undefined {
  const header = headers['content-encoding'];
  if (header === undefined) return 'identity';
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return 'identity';
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip')) return 'gzip';
  return undefined;
}

/** The declared Content-Length, or undefined when the body is chunked or the header is absent. */
export function declaredLengthOf(headers: IncomingHttpHeaders): number | undefined {
  const header = headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}
