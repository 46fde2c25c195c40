// The one error the decoders throw. Its message names where the input went wrong (a field path
// or a byte offset) and never echoes a value from the request, so it is safe to return to the
// client in a google.rpc.Status and to log.

export type DecodeErrorCode =
  | 'OTLP_PROTOBUF_MALFORMED' // not valid protobuf wire format, or a known field with the wrong wire type
  | 'OTLP_JSON_MALFORMED' // not valid JSON text
  | 'OTLP_JSON_WRONG_TYPE' // valid JSON whose value does not fit the OTLP field it is in
  | 'OTLP_TOO_DEEP' // AnyValue nesting deeper than the decoder accepts
  | 'OTLP_TOO_MANY_ITEMS'; // more decoded objects than the request's item budget allows

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  readonly code: DecodeErrorCode;

  constructor(code: DecodeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Arrays and kvlists may nest; past this depth a request is refused rather than recursed into. */
export const MAX_ANY_VALUE_DEPTH = 32;

/**
 * Counts the objects a decode materialises (resource and scope entries, metrics, data points,
 * attributes, array elements). Protobuf can encode an empty data point in 2 bytes that cost
 * about 100 bytes of heap, so the body limit alone would let 8 MiB become 400 MiB; the budget
 * keeps that bounded while no realistic request comes near it.
 */
export class ItemBudget {
  private left: number;

  constructor(readonly maxItems: number) {
    this.left = maxItems;
  }

  spend(): void {
    if (--this.left < 0) {
      throw new OtlpDecodeError('OTLP_TOO_MANY_ITEMS', `the request holds more than ${this.maxItems} data points, attributes and metrics`);
    }
  }
}

export interface DecodeOptions {
  /** Most objects one request may decode into; unlimited by default. */
  readonly maxItems?: number;
}
