// A pass over OTLP/JSON text before JSON.parse sees it: counts the values it would materialise
// (objects, arrays and the scalars inside arrays) and their nesting, without allocating anything.
// JSON.parse builds the whole tree before the decoder can apply its item budget, and one byte
// pair `[]` costs ~50 bytes of heap: an 8 MiB body of nested arrays took 467 MB. Checked first,
// a request that would blow up is refused for the price of reading its bytes once.

import { OtlpDecodeError } from './decode-error.js';

/** Deeper than any OTLP request (AnyValue nesting is capped at 32 below the request's own ~8 levels). */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Throws OTLP_TOO_MANY_ITEMS when `bytes` holds more than `maxValues` containers and array
 * elements, OTLP_TOO_DEEP past MAX_JSON_DEPTH. Malformed text is left for JSON.parse to refuse.
 */
export function checkJsonShape(bytes: Uint8Array, maxValues: number): void {
  let values = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
      continue;
    }
    if (b === QUOTE) inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > MAX_JSON_DEPTH) throw new OtlpDecodeError('OTLP_TOO_DEEP', `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
      values++;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
    // Each comma separates one more element or member: a value JSON.parse will allocate.
    else if (b === COMMA) values++;
    else continue;
    if (values > maxValues) {
      throw new OtlpDecodeError('OTLP_TOO_MANY_ITEMS', `the request holds more than ${maxValues} JSON values`);
    }
  }
}
