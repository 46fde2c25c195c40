// A cursor over protobuf wire format (proto3): the handful of primitives the OTLP metrics
// decoder needs, each bounds-checked, plus skipping of any field per the wire-type rules so that
// unknown and unwanted fields (descriptions, exemplars, …) are stepped over without being read.

import { isUtf8 } from 'node:buffer';
import { ItemBudget, MAX_ANY_VALUE_DEPTH, OtlpDecodeError } from './decode-error.js';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const TWO_POW_32 = 4294967296;

const MAX_INTERNED_LENGTH = 64;
const MAX_INTERNED_STRINGS = 1024;

function sameAscii(text: string, buf: Buffer, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

export class WireReader {
  pos = 0;
  private readonly buf: Buffer;
  private readonly interned = new Map<number, string>();
  // fixed64 timestamps repeat on every point of a request: reuse the last two bigints.
  private lastLo = [-1, -1];
  private lastHi = [-1, -1];
  private lastValue = [0n, 0n];
  private lastSlot = 0;

  readonly budget: ItemBudget;

  constructor(bytes: Uint8Array, maxItems = Number.POSITIVE_INFINITY) {
    this.budget = new ItemBudget(maxItems);
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.buf.length;
  }

  fail(what: string): never {
    throw new OtlpDecodeError('OTLP_PROTOBUF_MALFORMED', `invalid protobuf at byte ${this.pos}: ${what}`);
  }

  /** A varint's low 32 bits, unsigned (tags, lengths, enums, flags, bools). */
  varint32(): number {
    const buf = this.buf;
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= buf.length) this.fail('truncated varint');
      const byte = buf[this.pos++] as number;
      if (shift < 32) result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result >>> 0;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** An int64 varint, exactly. */
  varintInt64(): bigint {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= buf.length) this.fail('truncated varint');
      const byte = buf[this.pos++] as number;
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (byte < 0x80) return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** The end offset of a length-delimited field that starts here; it must fit inside `parentEnd`. */
  lengthEnd(parentEnd: number): number {
    const length = this.varint32();
    if (length > parentEnd - this.pos) this.fail('length runs past the enclosing message');
    return this.pos + length;
  }

  fixed64Unsigned(): bigint {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    for (let slot = 0; slot < 2; slot++) {
      if (this.lastLo[slot] === lo && this.lastHi[slot] === hi) return this.lastValue[slot] as bigint;
    }
    const value = (BigInt(hi) << 32n) | BigInt(lo);
    this.lastSlot ^= 1;
    this.lastLo[this.lastSlot] = lo;
    this.lastHi[this.lastSlot] = hi;
    this.lastValue[this.lastSlot] = value;
    return value;
  }

  /** An sfixed64 as a number; NaN when it lies outside ±(2^53 − 1) and a number would round it. */
  sfixed64Number(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readInt32LE(this.pos + 4);
    this.pos += 8;
    // hi·2^32 is exact; the sum is exact below 2^53 and rounds to ≥ 2^53 in magnitude above it.
    const value = hi * TWO_POW_32 + lo;
    return Number.isSafeInteger(value) ? value : Number.NaN;
  }

  double(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /**
   * A length-delimited UTF-8 string; invalid UTF-8 is malformed input, as proto3 requires.
   * Short ASCII strings are interned for the life of this reader (one request): attribute keys
   * and values repeat on every point, and building a string costs more than comparing bytes.
   */
  string(parentEnd: number): string {
    const end = this.lengthEnd(parentEnd);
    const buf = this.buf;
    const start = this.pos;
    const length = end - start;
    let ascii = true;
    let hash = 0x811c9dc5 ^ length; // FNV-1a
    for (let i = start; i < end; i++) {
      const byte = buf[i] as number;
      if (byte >= 0x80) {
        ascii = false;
        break;
      }
      hash = Math.imul(hash ^ byte, 0x01000193);
    }
    this.pos = end;
    if (!ascii) {
      if (!isUtf8(buf.subarray(start, end))) this.fail('string is not valid UTF-8');
      return buf.toString('utf8', start, end);
    }
    if (length > MAX_INTERNED_LENGTH) return buf.toString('latin1', start, end);
    const cached = this.interned.get(hash);
    if (cached !== undefined && cached.length === length && sameAscii(cached, buf, start)) return cached;
    const text = buf.toString('latin1', start, end);
    if (this.interned.size < MAX_INTERNED_STRINGS) this.interned.set(hash, text);
    return text;
  }

  /** A length-delimited bytes field, copied so the model never pins the request buffer. */
  bytes(parentEnd: number): Uint8Array {
    const end = this.lengthEnd(parentEnd);
    const copy = new Uint8Array(end - this.pos);
    copy.set(this.buf.subarray(this.pos, end));
    this.pos = end;
    return copy;
  }

  /** Steps over the value of a field whose tag was just read, whatever its wire type. */
  skip(tag: number, parentEnd: number, groupDepth = 0): void {
    const fieldNumber = tag >>> 3;
    if (fieldNumber === 0) this.fail('field number 0');
    switch (tag & 7) {
      case WIRE_VARINT:
        this.varint32();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd(parentEnd);
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      case WIRE_START_GROUP:
        // Deprecated groups: skip nested fields up to the matching end-group tag.
        if (groupDepth >= MAX_ANY_VALUE_DEPTH) this.fail('groups nested too deeply');
        for (;;) {
          if (this.pos >= parentEnd) this.fail('unterminated group');
          const inner = this.varint32();
          if ((inner & 7) === WIRE_END_GROUP) {
            if (inner >>> 3 !== fieldNumber) this.fail('mismatched end of group');
            return;
          }
          this.skip(inner, parentEnd, groupDepth + 1);
        }
      default:
        this.fail(`wire type ${tag & 7} where a field was expected`);
    }
  }

  /** After a message's fields: a field that ran past the message's end is malformed. */
  expectEnd(end: number): void {
    if (this.pos !== end) this.fail('field runs past the end of its message');
  }

  private need(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.fail('truncated fixed-width field');
  }
}
