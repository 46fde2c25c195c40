import { describe, expect, it } from 'vitest';
import { decodeProtobufMetricsRequest } from './decode-protobuf.js';
import { OtlpDecodeError } from './decode-error.js';
import { countDataPoints, type MetricsRequest } from '../model/metrics-request.js';
import { createOtlpReferenceCodec } from '../testing/reference-codec.js';

const codec = createOtlpReferenceCodec();
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** Every string in a decoded model, bytes included as latin1, for canary searches. */
function everyString(model: MetricsRequest): string {
  return JSON.stringify(model, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
    return value;
  });
}

// Hand-made wire bytes, for what the reference codec cannot express (unknown fields, bad input).
const cat = (...parts: Uint8Array[]): Buffer => Buffer.concat(parts);
function varint(value: bigint): Buffer {
  const out: number[] = [];
  let rest = BigInt.asUintN(64, value);
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return Buffer.from(out);
}
const tag = (field: number, wire: number) => varint(BigInt((field << 3) | wire));
const len = (field: number, ...parts: Uint8Array[]) => {
  const body = cat(...parts);
  return cat(tag(field, 2), varint(BigInt(body.length)), body);
};
const text = (field: number, value: string) => len(field, Buffer.from(value));
const vint = (field: number, value: bigint) => cat(tag(field, 0), varint(value));
const fixed64 = (field: number, value: bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt.asUintN(64, value));
  return cat(tag(field, 1), bytes);
};
/** A request with one sum metric holding one point made of `pointFields`. */
const requestWithPoint = (...pointFields: Uint8Array[]) =>
  len(1, len(2, len(2, text(1, 'm'), len(7, len(1, ...pointFields), vint(2, 2n)))));

describe('decodeProtobufMetricsRequest', () => {
  it('decodes identity, temporality, times and values, and never materialises descriptions, units, schema URLs, metadata or exemplars', () => {
    const bytes = codec.encodeRequest({
      resourceMetrics: [
        {
          resource: { attributes: [str('service.version', '1.4.2'), str('lunadefend.stack_id', 'stack-1')], droppedAttributesCount: 3 },
          schemaUrl: 'https://CANARY-resource-schema.example',
          scopeMetrics: [
            {
              scope: { name: 'lunadefend', version: '0.1.0', attributes: [{ key: 'scope.n', value: { intValue: -7 } }] },
              schemaUrl: 'CANARY-scope-schema',
              metrics: [
                {
                  name: 'lunadefend.tokenize.success',
                  description: 'CANARY-description',
                  unit: 'CANARY-unit',
                  metadata: [str('CANARY-metadata-key', 'CANARY-metadata-value')],
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [
                      {
                        attributes: [str('outcome', 'ok'), { key: 'flag', value: { boolValue: true } }],
                        startTimeUnixNano: '1764000000000000001',
                        timeUnixNano: '18446744073709551615',
                        asInt: 42,
                        flags: 1,
                        exemplars: [
                          {
                            filteredAttributes: [str('user', 'CANARY-exemplar-attribute')],
                            timeUnixNano: '1764000000000000005',
                            asInt: 1,
                            traceId: Buffer.from('CANARY-trace-id!'),
                            spanId: Buffer.from('CANARY-s'),
                          },
                        ],
                      },
                      { startTimeUnixNano: '0', timeUnixNano: '5', asDouble: 2.5 },
                      { timeUnixNano: '6' },
                    ],
                  },
                },
                { name: 'g', description: 'CANARY-gauge-description', gauge: { dataPoints: [{ asInt: 1 }, { asInt: 2 }] } },
                { name: 'h', histogram: { dataPoints: [{ count: 1 }, { count: 2 }, { count: 3 }], aggregationTemporality: 1 } },
                { name: 'e', exponentialHistogram: { dataPoints: [{ count: 1 }] } },
                { name: 's', summary: { dataPoints: [{ count: 1 }] } },
                { name: 'none' },
              ],
            },
          ],
        },
      ],
    });
    const model = decodeProtobufMetricsRequest(bytes);
    expect(model).toEqual({
      resourceMetrics: [
        {
          resourceAttributes: [
            { key: 'service.version', value: { kind: 'string', value: '1.4.2' } },
            { key: 'lunadefend.stack_id', value: { kind: 'string', value: 'stack-1' } },
          ],
          scopeMetrics: [
            {
              scope: { name: 'lunadefend', version: '0.1.0', attributes: [{ key: 'scope.n', value: { kind: 'int', value: -7n } }] },
              metrics: [
                {
                  name: 'lunadefend.tokenize.success',
                  data: {
                    kind: 'sum',
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [
                      {
                        attributes: [
                          { key: 'outcome', value: { kind: 'string', value: 'ok' } },
                          { key: 'flag', value: { kind: 'bool', value: true } },
                        ],
                        startTimeUnixNano: 1764000000000000001n,
                        timeUnixNano: 18446744073709551615n,
                        value: 42,
                        flags: 1,
                      },
                      { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 5n, value: 2.5, flags: 0 },
                      { attributes: [], startTimeUnixNano: 0n, timeUnixNano: 6n, value: undefined, flags: 0 },
                    ],
                  },
                },
                { name: 'g', data: { kind: 'gauge', dataPointCount: 2 } },
                { name: 'h', data: { kind: 'histogram', dataPointCount: 3 } },
                { name: 'e', data: { kind: 'exponential_histogram', dataPointCount: 1 } },
                { name: 's', data: { kind: 'summary', dataPointCount: 1 } },
                { name: 'none', data: { kind: 'none', dataPointCount: 0 } },
              ],
            },
          ],
        },
      ],
    });
    expect(everyString(model)).not.toContain('CANARY');
  });

  it('decodes every kind of attribute value, nested arrays and kvlists included', () => {
    const bytes = codec.encodeRequest({
      resourceMetrics: [
        {
          resource: {
            attributes: [
              { key: 'd', value: { doubleValue: -0.5 } },
              { key: 'b', value: { bytesValue: Buffer.from([0, 255, 7]) } },
              { key: 'i', value: { intValue: '-9223372036854775808' } },
              { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { arrayValue: { values: [{ boolValue: false }] } }] } } },
              { key: 'k', value: { kvlistValue: { values: [str('inner', 'ü→✓')] } } },
              { key: 'e', value: {} },
            ],
          },
        },
      ],
    });
    const [rm] = decodeProtobufMetricsRequest(bytes).resourceMetrics;
    expect(rm?.resourceAttributes).toEqual([
      { key: 'd', value: { kind: 'double', value: -0.5 } },
      { key: 'b', value: { kind: 'bytes', value: new Uint8Array([0, 255, 7]) } },
      { key: 'i', value: { kind: 'int', value: -9223372036854775808n } },
      {
        key: 'a',
        value: { kind: 'array', values: [{ kind: 'string', value: 'x' }, { kind: 'array', values: [{ kind: 'bool', value: false }] }] },
      },
      { key: 'k', value: { kind: 'kvlist', values: [{ key: 'inner', value: { kind: 'string', value: 'ü→✓' } }] } },
      { key: 'e', value: { kind: 'empty' } },
    ]);
  });

  it('keeps every timestamp and repeated string exact across the points of one request', () => {
    const points = Array.from({ length: 60 }, (_, i) => ({
      attributes: [str('route', `r${i % 4}`), str(`k${i % 2}`, i % 5 === 0 ? 'ü' : `v${i % 7}`)],
      startTimeUnixNano: String(1764000000000000000n + BigInt(i % 3)),
      timeUnixNano: String(1764000000000000000n + BigInt(i % 3) + BigInt(i)),
      asInt: i,
    }));
    const bytes = codec.encodeRequest({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', sum: { dataPoints: points } }] }] }] });
    const data = decodeProtobufMetricsRequest(bytes).resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.data;
    expect(data?.kind === 'sum' && data.dataPoints).toEqual(
      points.map((p, i) => ({
        attributes: [
          { key: 'route', value: { kind: 'string', value: `r${i % 4}` } },
          { key: `k${i % 2}`, value: { kind: 'string', value: i % 5 === 0 ? 'ü' : `v${i % 7}` } },
        ],
        startTimeUnixNano: BigInt(p.startTimeUnixNano),
        timeUnixNano: BigInt(p.timeUnixNano),
        value: i,
        flags: 0,
      })),
    );
  });

  it('turns as_int outside ±(2^53 − 1) into NaN and keeps every safe integer exact', () => {
    const valueOf = (asInt: bigint) =>
      decodeProtobufMetricsRequest(requestWithPoint(fixed64(3, 1n), fixed64(6, asInt))).resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]
        ?.data;
    const points = (asInt: bigint) => {
      const data = valueOf(asInt);
      return data?.kind === 'sum' ? data.dataPoints[0]?.value : 'not a sum';
    };
    expect(points(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(points(-(2n ** 53n - 1n))).toBe(-Number.MAX_SAFE_INTEGER);
    expect(points(-5n)).toBe(-5);
    expect(points(2n ** 53n)).toBeNaN();
    expect(points(-(2n ** 53n))).toBeNaN();
    expect(points(2n ** 63n - 1n)).toBeNaN();
  });

  it('skips unknown fields of every wire type at every level, groups included', () => {
    const unknown = cat(vint(90, 5n), fixed64(91, 7n), text(92, 'CANARY-unknown'), tag(93, 5), Buffer.alloc(4), tag(94, 3), vint(1, 1n), tag(94, 4));
    const bytes = cat(
      unknown,
      len(
        1,
        unknown,
        len(1, unknown, len(1, text(1, 'k'), unknown, len(2, unknown, text(1, 'v')))),
        len(2, unknown, len(1, unknown, text(1, 'scope')), len(2, text(1, 'm'), unknown, len(7, unknown, len(1, unknown, fixed64(3, 9n), fixed64(6, 3n))))),
      ),
    );
    const model = decodeProtobufMetricsRequest(bytes);
    const sm = model.resourceMetrics[0]?.scopeMetrics[0];
    expect(model.resourceMetrics[0]?.resourceAttributes).toEqual([{ key: 'k', value: { kind: 'string', value: 'v' } }]);
    expect(sm?.scope.name).toBe('scope');
    expect(sm?.metrics[0]?.data).toEqual({
      kind: 'sum',
      aggregationTemporality: 0,
      isMonotonic: false,
      dataPoints: [{ attributes: [], startTimeUnixNano: 0n, timeUnixNano: 9n, value: 3, flags: 0 }],
    });
    expect(everyString(model)).not.toContain('CANARY');
  });

  it('treats a known field number with another wire type as unknown, as protobuf runtimes do', () => {
    const model = decodeProtobufMetricsRequest(requestWithPoint(vint(3, 5n), fixed64(3, 8n), vint(6, 1n)));
    const data = model.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.data;
    expect(data?.kind === 'sum' && data.dataPoints[0]).toMatchObject({ timeUnixNano: 8n, value: undefined });
  });

  it('merges a singular message field that appears twice, and lets the last oneof member win', () => {
    const bytes = len(1, len(1, len(1, text(1, 'a'))), len(1, len(1, text(1, 'b'))), len(2, len(2, text(1, 'm'), len(5, len(1)), len(7, vint(2, 1n)))));
    const [rm] = decodeProtobufMetricsRequest(bytes).resourceMetrics;
    expect(rm?.resourceAttributes.map((kv) => kv.key)).toEqual(['a', 'b']);
    expect(rm?.scopeMetrics[0]?.metrics[0]?.data).toEqual({ kind: 'sum', aggregationTemporality: 1, isMonotonic: false, dataPoints: [] });
  });

  it('decodes an empty body as an empty request', () => {
    expect(decodeProtobufMetricsRequest(new Uint8Array(0))).toEqual({ resourceMetrics: [] });
  });

  it.each([
    ['random bytes', Buffer.from('this is not protobuf at all, just some text')],
    ['a truncated varint', Buffer.from([0x0a, 0x80])],
    ['a length past the end', Buffer.from([0x0a, 0x05, 0x01])],
    ['a nested length past its parent', cat(len(1, Buffer.from([0x12, 0x09])), Buffer.alloc(9))],
    ['a truncated fixed64', requestWithPoint(tag(3, 1), Buffer.alloc(3))],
    ['wire type 7', Buffer.from([0x0f])],
    ['field number 0', Buffer.from([0x02, 0x00])],
    ['an unterminated group', cat(tag(9, 3), vint(1, 1n))],
    ['invalid UTF-8 in a name', len(1, len(2, len(2, len(1, Buffer.from([0xc3, 0x28])))))],
  ])('refuses %s as malformed', (_what, bytes) => {
    expect(() => decodeProtobufMetricsRequest(bytes)).toThrow(OtlpDecodeError);
    try {
      decodeProtobufMetricsRequest(bytes);
    } catch (error) {
      expect((error as OtlpDecodeError).code).toBe('OTLP_PROTOBUF_MALFORMED');
    }
  });

  it('refuses a request that would decode into more items than its budget, before building them all', () => {
    const emptyPoints = cat(...Array.from({ length: 5_000 }, () => len(1)));
    const bytes = len(1, len(2, len(2, text(1, 'm'), len(7, emptyPoints))));
    expect(() => decodeProtobufMetricsRequest(bytes, { maxItems: 1_000 })).toThrow(expect.objectContaining({ code: 'OTLP_TOO_MANY_ITEMS' }));
    // 1 resource + 1 scope + 1 metric + 5,000 points fit a budget of exactly that many items.
    expect(countDataPoints(decodeProtobufMetricsRequest(bytes, { maxItems: 5_003 }))).toBe(5_000);
    expect(() => decodeProtobufMetricsRequest(bytes, { maxItems: 5_002 })).toThrow(expect.objectContaining({ code: 'OTLP_TOO_MANY_ITEMS' }));
  });

  it('refuses attribute values nested past the depth limit instead of recursing', () => {
    let value: Buffer = text(1, 'leaf');
    for (let i = 0; i < 40; i++) value = len(5, len(1, value));
    const bytes = len(1, len(1, len(1, text(1, 'k'), len(2, value))));
    expect(() => decodeProtobufMetricsRequest(bytes)).toThrow(expect.objectContaining({ code: 'OTLP_TOO_DEEP' }));
  });
});
