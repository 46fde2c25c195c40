// Lenient readers for OTLP/JSON scalar fields, as lenient as the Go collector: 64-bit integers as
// numbers or decimal strings, doubles as numbers or strings ("NaN", "Infinity"), enums as
// integers or names. Anything else is a wrong type. Errors name what was expected, never the value.
//
// A 64-bit integer sent as a JSON number has already passed through JSON.parse as a double: it is
// exact up to 2^53 and the nearest double above (the same input always gives the same value).

import { ItemBudget, OtlpDecodeError } from './decode-error.js';

export type JsonObject = { readonly [key: string]: unknown };

const INTEGER_TEXT = /^-?\d{1,20}$/;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]*={0,2}$/;
const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function wrongType(path: string, expected: string): OtlpDecodeError {
  return new OtlpDecodeError('OTLP_JSON_WRONG_TYPE', `${path}: expected ${expected}`);
}

/**
 * Prefixes a nested wrong-type error with the path of the field or element it happened in.
 * A decoder checking the element itself uses the path '' (message ": expected …").
 */
export function within(error: unknown, prefix: string): unknown {
  if (error instanceof OtlpDecodeError && error.code === 'OTLP_JSON_WRONG_TYPE') {
    const separator = error.message.startsWith(':') || error.message.startsWith('[') ? '' : '.';
    return new OtlpDecodeError(error.code, `${prefix}${separator}${error.message}`);
  }
  return error;
}

export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrongType(path, 'an object');
  return value as JsonObject;
}

const UNLIMITED = new ItemBudget(Number.POSITIVE_INFINITY);
let budget = UNLIMITED;

/** Runs one (synchronous) decode with every array element counted against `maxItems`. */
export function withItemBudget<T>(maxItems: number | undefined, decode: () => T): T {
  budget = maxItems === undefined ? UNLIMITED : new ItemBudget(maxItems);
  try {
    return decode();
  } finally {
    budget = UNLIMITED;
  }
}

/**
 * Decodes a repeated field; null or absent is empty. Errors inside name the element's index.
 * Every element is one item of the current item budget.
 */
export function asArray<T>(value: unknown, path: string, decode: (item: unknown) => T): T[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw wrongType(path, 'an array');
  const out: T[] = new Array<T>(value.length);
  for (let i = 0; i < value.length; i++) {
    budget.spend();
    try {
      out[i] = decode(value[i]);
    } catch (error) {
      throw within(error, `${path}[${i}]`);
    }
  }
  return out;
}

export function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw wrongType(path, 'a string');
  return value;
}

export function asBool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw wrongType(path, 'a boolean');
  return value;
}

function asBigInt(value: unknown, path: string, min: bigint, max: bigint): bigint {
  let result: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) result = BigInt(value);
  else if (typeof value === 'string' && INTEGER_TEXT.test(value)) result = BigInt(value);
  if (result === undefined || result < min || result > max) throw wrongType(path, 'a 64-bit integer as a number or a decimal string');
  return result;
}

export const asUint64 = (value: unknown, path: string): bigint => asBigInt(value, path, 0n, MAX_UINT64);
export const asInt64 = (value: unknown, path: string): bigint => asBigInt(value, path, MIN_INT64, MAX_INT64);

/** An int64 as a number, NaN outside ±(2^53 − 1) so that it is rejected rather than rounded. */
export function asInt64Number(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return Number.isSafeInteger(value) ? value : Number.NaN;
  const exact = asInt64(value, path);
  return exact >= -MAX_SAFE && exact <= MAX_SAFE ? Number(exact) : Number.NaN;
}

export function asUint32(value: unknown, path: string): number {
  const result = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
  if (typeof result !== 'number' || !Number.isInteger(result) || result < 0 || result > 0xffff_ffff) {
    throw wrongType(path, 'an unsigned 32-bit integer');
  }
  return result;
}

export function asDouble(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    const parsed = value.trim() === '' ? Number.NaN : Number(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  throw wrongType(path, 'a number');
}

/** An enum as its integer (any int32: enums are open) or its name from `names` (index = value). */
export function asEnum(value: unknown, path: string, names: readonly string[]): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -0x8000_0000 && value <= 0x7fff_ffff) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
  }
  throw wrongType(path, 'an enum integer or a known enum name');
}

/** Bytes as base64, standard or URL-safe alphabet, padding optional (proto3 JSON). */
export function asBytes(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64_TEXT.test(value)) throw wrongType(path, 'base64 bytes');
  return new Uint8Array(Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64'));
}
