// Response bodies of the OTLP/HTTP intake, in the request's encoding:
// ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1 } with
// ExportMetricsPartialSuccess { int64 rejected_data_points = 1; string error_message = 2 }, and
// google.rpc.Status { int32 code = 1; string message = 2 } for failures. Default-valued fields
// are omitted, as proto3 encoders do.

export type OtlpEncoding = 'protobuf' | 'json';

export const OTLP_CONTENT_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** gRPC status codes used in google.rpc.Status bodies. */
export const GRPC_CODE = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14 } as const;

export interface PartialSuccess {
  readonly rejectedDataPoints: number;
  readonly errorMessage: string;
}

// Responses SHOULD stay under 4 MiB (spec A.3); an error message is a sentence, so cap it far below.
const MAX_MESSAGE_CHARS = 4096;

/**
 * Full success when `partial` is undefined, or when it says nothing (0 points rejected and no
 * message, which the spec treats as full success); otherwise partial_success is set.
 */
export function encodeExportMetricsResponse(encoding: OtlpEncoding, partial?: PartialSuccess): Buffer {
  const rejected = Math.max(0, Math.trunc(partial?.rejectedDataPoints ?? 0));
  const message = (partial?.errorMessage ?? '').slice(0, MAX_MESSAGE_CHARS);
  const hasPartial = rejected > 0 || message !== '';
  if (encoding === 'json') {
    if (!hasPartial) return Buffer.from('{}');
    const body: Record<string, string> = {};
    if (rejected > 0) body['rejectedDataPoints'] = String(rejected); // int64 is a string in proto3 JSON
    if (message !== '') body['errorMessage'] = message;
    return Buffer.from(JSON.stringify({ partialSuccess: body }));
  }
  if (!hasPartial) return Buffer.alloc(0);
  const inner: number[] = [];
  if (rejected > 0) writeVarintField(inner, 1, rejected);
  if (message !== '') writeString(inner, 2, message);
  const outer: number[] = [];
  writeTag(outer, 1, 2);
  writeVarint(outer, inner.length);
  return Buffer.from([...outer, ...inner]);
}

export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  const text = message.slice(0, MAX_MESSAGE_CHARS);
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message: text }));
  const out: number[] = [];
  if (code !== 0) writeVarintField(out, 1, code);
  if (text !== '') writeString(out, 2, text);
  return Buffer.from(out);
}

function writeVarintField(out: number[], field: number, value: number): void {
  writeTag(out, field, 0);
  writeVarint(out, value);
}

function writeTag(out: number[], field: number, wireType: number): void {
  writeVarint(out, (field << 3) | wireType);
}

/** A non-negative integer up to 2^53 as a varint (division, since bit operators stop at 32 bits). */
function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

function writeString(out: number[], field: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  writeTag(out, field, 2);
  writeVarint(out, bytes.length);
  for (const byte of bytes) out.push(byte);
}
