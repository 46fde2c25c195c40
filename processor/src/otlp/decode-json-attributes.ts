// OTLP/JSON decoding of KeyValue / AnyValue. Keys are accepted in camelCase and snake_case;
// in a oneof the last member present wins, and a member set to null counts as absent.

import { MAX_ANY_VALUE_DEPTH, OtlpDecodeError } from './decode-error.js';
import { asArray, asBool, asBytes, asDouble, asInt64, asObject, asString, within } from './json-scalars.js';
import type { AnyValue, KeyValue } from '../model/metrics-request.js';

const EMPTY: AnyValue = Object.freeze({ kind: 'empty' });

export function decodeJsonAttributes(value: unknown, path: string): KeyValue[] {
  return asArray(value, path, decodeTopKeyValue);
}

const decodeTopKeyValue = (item: unknown): KeyValue => decodeKeyValue(item, 0);

function decodeKeyValue(item: unknown, depth: number): KeyValue {
  const object = asObject(item, '');
  let key = '';
  let value = EMPTY;
  for (const name in object) {
    const field = object[name];
    if (field === null) continue;
    if (name === 'key') key = asString(field, 'key');
    else if (name === 'value') {
      try {
        value = decodeAnyValue(field, depth);
      } catch (error) {
        throw within(error, 'value');
      }
    }
  }
  return { key, value };
}

function decodeAnyValue(item: unknown, depth: number): AnyValue {
  if (depth >= MAX_ANY_VALUE_DEPTH) {
    throw new OtlpDecodeError('OTLP_TOO_DEEP', `attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH}`);
  }
  const object = asObject(item, '');
  let value = EMPTY;
  for (const name in object) {
    const field = object[name];
    if (field === null) continue;
    switch (name) {
      case 'stringValue':
      case 'string_value':
        value = { kind: 'string', value: asString(field, name) };
        break;
      case 'boolValue':
      case 'bool_value':
        value = { kind: 'bool', value: asBool(field, name) };
        break;
      case 'intValue':
      case 'int_value':
        value = { kind: 'int', value: asInt64(field, name) };
        break;
      case 'doubleValue':
      case 'double_value':
        value = { kind: 'double', value: asDouble(field, name) };
        break;
      case 'bytesValue':
      case 'bytes_value':
        value = { kind: 'bytes', value: asBytes(field, name) };
        break;
      case 'arrayValue':
      case 'array_value':
        value = { kind: 'array', values: decodeList(field, name, (v) => decodeAnyValue(v, depth + 1)) };
        break;
      case 'kvlistValue':
      case 'kvlist_value':
        value = { kind: 'kvlist', values: decodeList(field, name, (kv) => decodeKeyValue(kv, depth + 1)) };
        break;
      default: // unknown fields (and string_value_strindex) are ignored
    }
  }
  return value;
}

/** ArrayValue / KeyValueList: `{ "values": [...] }`. */
function decodeList<T>(field: unknown, path: string, decode: (item: unknown) => T): T[] {
  return asArray(asObject(field, path)['values'], `${path}.values`, decode);
}
