// Protobuf decoding of OTLP KeyValue / AnyValue (opentelemetry/proto/common/v1/common.proto).
// The profiles-only string-table indices (key_strindex, string_value_strindex) are ignored as
// the spec asks of non-profile receivers.

import { MAX_ANY_VALUE_DEPTH, OtlpDecodeError } from './decode-error.js';
import type { AnyValue, KeyValue } from '../model/metrics-request.js';
import { WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, type WireReader } from './wire-reader.js';

// Tags are (field number << 3) | wire type; a known field with another wire type is unknown.
const KV_KEY = (1 << 3) | WIRE_LEN;
const KV_VALUE = (2 << 3) | WIRE_LEN;
const ANY_STRING = (1 << 3) | WIRE_LEN;
const ANY_BOOL = (2 << 3) | WIRE_VARINT;
const ANY_INT = (3 << 3) | WIRE_VARINT;
const ANY_DOUBLE = (4 << 3) | WIRE_FIXED64;
const ANY_ARRAY = (5 << 3) | WIRE_LEN;
const ANY_KVLIST = (6 << 3) | WIRE_LEN;
const ANY_BYTES = (7 << 3) | WIRE_LEN;
const LIST_VALUES = (1 << 3) | WIRE_LEN;

const EMPTY: AnyValue = Object.freeze({ kind: 'empty' });

/** Decodes one KeyValue occupying [r.pos, end) and appends it to `into`. */
export function decodeKeyValue(r: WireReader, end: number, into: KeyValue[], depth = 0): void {
  r.budget.spend();
  let key = '';
  let value = EMPTY;
  while (r.pos < end) {
    const tag = r.varint32();
    if (tag === KV_KEY) key = r.string(end);
    else if (tag === KV_VALUE) value = decodeAnyValue(r, r.lengthEnd(end), depth);
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  into.push({ key, value });
}

function decodeAnyValue(r: WireReader, end: number, depth: number): AnyValue {
  if (depth >= MAX_ANY_VALUE_DEPTH) {
    throw new OtlpDecodeError('OTLP_TOO_DEEP', `attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH}`);
  }
  // A oneof: the last member on the wire wins, as protobuf specifies.
  let value = EMPTY;
  while (r.pos < end) {
    const tag = r.varint32();
    switch (tag) {
      case ANY_STRING:
        value = { kind: 'string', value: r.string(end) };
        break;
      case ANY_BOOL:
        value = { kind: 'bool', value: r.varint32() !== 0 };
        break;
      case ANY_INT:
        value = { kind: 'int', value: r.varintInt64() };
        break;
      case ANY_DOUBLE:
        value = { kind: 'double', value: r.double() };
        break;
      case ANY_ARRAY:
        value = { kind: 'array', values: decodeArrayValue(r, r.lengthEnd(end), depth + 1) };
        break;
      case ANY_KVLIST:
        value = { kind: 'kvlist', values: decodeKeyValueList(r, r.lengthEnd(end), depth + 1) };
        break;
      case ANY_BYTES:
        value = { kind: 'bytes', value: r.bytes(end) };
        break;
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  return value;
}

function decodeArrayValue(r: WireReader, end: number, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  while (r.pos < end) {
    const tag = r.varint32();
    if (tag === LIST_VALUES) {
      r.budget.spend();
      values.push(decodeAnyValue(r, r.lengthEnd(end), depth));
    }
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return values;
}

function decodeKeyValueList(r: WireReader, end: number, depth: number): KeyValue[] {
  const values: KeyValue[] = [];
  while (r.pos < end) {
    const tag = r.varint32();
    if (tag === LIST_VALUES) decodeKeyValue(r, r.lengthEnd(end), values, depth);
    else r.skip(tag, end);
  }
  r.expectEnd(end);
  return values;
}
