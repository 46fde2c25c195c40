import { describe, expect, it } from 'vitest';
import { decodeJsonMetricsRequest } from './decode-json.js';
import { OtlpDecodeError } from './decode-error.js';
import type { MetricsRequest, NumberDataPoint } from '../model/metrics-request.js';
import { request, resource, str } from '../testing/model-builders.js';

/** A request with one sum metric, keys in camelCase. */
function camelRequest(point: object, sum: object = { aggregationTemporality: 2, isMonotonic: true }): string {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.version', value: { stringValue: '1.4.2' } }] },
        scopeMetrics: [{ scope: { name: 'lunadefend' }, metrics: [{ name: 'lunadefend.tokenize.success', sum: { ...sum, dataPoints: [point] } }] }],
      },
    ],
  });
}

function firstPoint(model: MetricsRequest): NumberDataPoint | undefined {
  const data = model.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.data;
  return data?.kind === 'sum' ? data.dataPoints[0] : undefined;
}

function decodeError(text: string): OtlpDecodeError {
  try {
    decodeJsonMetricsRequest(text);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
  throw new Error('decoded without error');
}

describe('decodeJsonMetricsRequest', () => {
  it('decodes camelCase OTLP/JSON as the JS exporter writes it (string timestamps, numeric asInt)', () => {
    const model = decodeJsonMetricsRequest(
      camelRequest({
        attributes: [{ key: 'outcome', value: { stringValue: 'ok' } }],
        startTimeUnixNano: '1764000000000000001',
        timeUnixNano: '1764000060000000002',
        asInt: 42,
      }),
    );
    const decoded = { attributes: [str('outcome', 'ok')], startTimeUnixNano: 1764000000000000001n, timeUnixNano: 1764000060000000002n, value: 42, flags: 0 };
    expect(model).toEqual(
      request(resource({ version: '1.4.2', scope: { name: 'lunadefend', version: '', attributes: [] }, sums: [{ name: 'lunadefend.tokenize.success', temporality: 2, points: [decoded] }] })),
    );
  });

  it('accepts snake_case keys everywhere', () => {
    const snake = JSON.stringify({
      resource_metrics: [
        {
          resource: { attributes: [{ key: 'k', value: { int_value: '5' } }] },
          scope_metrics: [
            {
              scope: { name: 's', version: '1' },
              metrics: [
                {
                  name: 'm',
                  sum: {
                    aggregation_temporality: 1,
                    is_monotonic: true,
                    data_points: [{ start_time_unix_nano: '1', time_unix_nano: '2', as_double: 1.5, flags: 1 }],
                  },
                },
                { name: 'h', exponential_histogram: { data_points: [{}, {}] } },
              ],
            },
          ],
        },
      ],
    });
    const model = decodeJsonMetricsRequest(snake);
    const rm = model.resourceMetrics[0];
    expect(rm?.resourceAttributes).toEqual([{ key: 'k', value: { kind: 'int', value: 5n } }]);
    expect(rm?.scopeMetrics[0]?.metrics[0]?.data).toEqual({
      kind: 'sum',
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: [{ attributes: [], startTimeUnixNano: 1n, timeUnixNano: 2n, value: 1.5, flags: 1 }],
    });
    expect(rm?.scopeMetrics[0]?.metrics[1]?.data).toEqual({ kind: 'exponential_histogram', dataPointCount: 2 });
  });

  it('accepts 64-bit integers as numbers and as strings', () => {
    const asNumbers = firstPoint(decodeJsonMetricsRequest(camelRequest({ startTimeUnixNano: 1000, timeUnixNano: 2000, asInt: 7 })));
    const asStrings = firstPoint(decodeJsonMetricsRequest(camelRequest({ startTimeUnixNano: '1000', timeUnixNano: '2000', asInt: '7' })));
    expect(asNumbers).toEqual({ attributes: [], startTimeUnixNano: 1000n, timeUnixNano: 2000n, value: 7, flags: 0 });
    expect(asStrings).toEqual(asNumbers);
    // Strings keep full uint64 precision.
    expect(firstPoint(decodeJsonMetricsRequest(camelRequest({ timeUnixNano: '18446744073709551615' })))?.timeUnixNano).toBe(
      18446744073709551615n,
    );
  });

  it('turns asInt outside ±(2^53 − 1) into NaN, as number or string', () => {
    const value = (asInt: unknown) => firstPoint(decodeJsonMetricsRequest(camelRequest({ timeUnixNano: '1', asInt })))?.value;
    expect(value('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(value('-9007199254740991')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(value('9007199254740992')).toBeNaN();
    expect(value('-9223372036854775808')).toBeNaN();
    expect(value(2 ** 60)).toBeNaN();
  });

  it('accepts enums as integers and as names', () => {
    const temporality = (value: unknown) => {
      const data = decodeJsonMetricsRequest(camelRequest({}, { aggregationTemporality: value })).resourceMetrics[0]?.scopeMetrics[0]
        ?.metrics[0]?.data;
      return data?.kind === 'sum' ? data.aggregationTemporality : undefined;
    };
    expect(temporality(1)).toBe(1);
    expect(temporality(2)).toBe(2);
    expect(temporality('AGGREGATION_TEMPORALITY_DELTA')).toBe(1);
    expect(temporality('AGGREGATION_TEMPORALITY_CUMULATIVE')).toBe(2);
    expect(temporality(7)).toBe(7); // open enum: the filter decides
    expect(decodeError(camelRequest({}, { aggregationTemporality: 'CUMULATIVE' })).message).toBe(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.aggregationTemporality: expected an enum integer or a known enum name',
    );
  });

  it('decodes every kind of attribute value, base64 bytes included', () => {
    const text = camelRequest({
      attributes: [
        { key: 'b', value: { boolValue: false } },
        { key: 'd', value: { doubleValue: 'NaN' } },
        { key: 'y', value: { bytesValue: Buffer.from([1, 2, 250]).toString('base64') } },
        { key: 'u', value: { bytes_value: Buffer.from([251, 255]).toString('base64url') } },
        { key: 'a', value: { arrayValue: { values: [{ intValue: 1 }, { kvlistValue: { values: [{ key: 'x', value: {} }] } }] } } },
        { key: 'n', value: { stringValue: null } },
      ],
    });
    expect(firstPoint(decodeJsonMetricsRequest(text))?.attributes).toEqual([
      { key: 'b', value: { kind: 'bool', value: false } },
      { key: 'd', value: { kind: 'double', value: Number.NaN } },
      { key: 'y', value: { kind: 'bytes', value: new Uint8Array([1, 2, 250]) } },
      { key: 'u', value: { kind: 'bytes', value: new Uint8Array([251, 255]) } },
      {
        key: 'a',
        value: {
          kind: 'array',
          values: [
            { kind: 'int', value: 1n },
            { kind: 'kvlist', values: [{ key: 'x', value: { kind: 'empty' } }] },
          ],
        },
      },
      { key: 'n', value: { kind: 'empty' } },
    ]);
  });

  it('ignores unknown fields and never reads descriptions, units, schema URLs, metadata or exemplars', () => {
    const text = JSON.stringify({
      futureField: { anything: ['CANARY-future'] },
      resourceMetrics: [
        {
          schemaUrl: 'CANARY-schema',
          resource: { attributes: [], droppedAttributesCount: 1, entityRefs: [{ type: 'CANARY-entity' }] },
          scopeMetrics: [
            {
              schemaUrl: 'CANARY-scope-schema',
              metrics: [
                {
                  name: 'm',
                  description: 'CANARY-description',
                  unit: 'CANARY-unit',
                  metadata: [{ key: 'CANARY-meta', value: { stringValue: 'CANARY-meta-value' } }],
                  sum: {
                    dataPoints: [
                      {
                        timeUnixNano: '1',
                        asInt: '1',
                        exemplars: [{ filteredAttributes: [{ key: 'u', value: { stringValue: 'CANARY-exemplar' } }], traceId: 'CANARY' }],
                        somethingNew: 'CANARY-new',
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const model = decodeJsonMetricsRequest(text);
    expect(JSON.stringify(model, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('CANARY');
    expect(firstPoint(model)?.value).toBe(1);
  });

  it('decodes {} as an empty request', () => {
    expect(decodeJsonMetricsRequest('{}')).toEqual({ resourceMetrics: [] });
  });

  it.each([
    ['not JSON', '{"resourceMetrics": [', 'OTLP_JSON_MALFORMED', 'the body is not valid JSON'],
    ['an empty body', '', 'OTLP_JSON_MALFORMED', 'the body is not valid JSON'],
    ['an array body', '[]', 'OTLP_JSON_WRONG_TYPE', 'request: expected an object'],
    ['resourceMetrics as an object', '{"resourceMetrics": {}}', 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics: expected an array'],
    ['a metric name as a number', '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":5}]}]}]}', 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics[0].scopeMetrics[0].metrics[0].name: expected a string'],
    ['a fractional time', camelRequest({ timeUnixNano: 1.5 }), 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].timeUnixNano: expected a 64-bit integer as a number or a decimal string'],
    ['a negative time', camelRequest({ timeUnixNano: '-1' }), 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].timeUnixNano: expected a 64-bit integer as a number or a decimal string'],
    ['asInt as an object', camelRequest({ asInt: { v: 1 } }), 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].asInt: expected a 64-bit integer as a number or a decimal string'],
    ['isMonotonic as a string', camelRequest({}, { isMonotonic: 'yes' }), 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.isMonotonic: expected a boolean'],
    ['an attribute that is not an object', camelRequest({ attributes: ['CANARY'] }), 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].attributes[0]: expected an object'],
    ['a string value that is a number', camelRequest({ attributes: [{ key: 'k', value: { stringValue: 12 } }] }), 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].attributes[0].value.stringValue: expected a string'],
    ['bytes that are not base64', camelRequest({ attributes: [{ key: 'k', value: { bytesValue: 'CANARY not base64!' } }] }), 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].attributes[0].value.bytesValue: expected base64 bytes'],
    ['gauge points as a number', '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":3}}]}]}]}', 'OTLP_JSON_WRONG_TYPE', 'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints: expected an array'],
  ])('refuses %s, naming the path and never the value', (_what, text, code, message) => {
    const error = decodeError(text);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('counts resource entries, metrics, points and attributes against the item budget', () => {
    const text = camelRequest({ timeUnixNano: '1', asInt: 1, attributes: [{ key: 'a', value: { arrayValue: { values: [{}, {}] } } }] });
    // 1 resource + 1 resource attribute + 1 scope + 1 metric + 1 point + 1 attribute + 2 array values
    expect(decodeJsonMetricsRequest(text, { maxItems: 8 }).resourceMetrics).toHaveLength(1);
    expect(() => decodeJsonMetricsRequest(text, { maxItems: 7 })).toThrow(expect.objectContaining({ code: 'OTLP_TOO_MANY_ITEMS' }));
  });

  it('refuses attribute values nested past the depth limit', () => {
    let value: object = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    expect(decodeError(camelRequest({ attributes: [{ key: 'k', value }] })).code).toBe('OTLP_TOO_DEEP');
  });
});
