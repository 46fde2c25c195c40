// A second, independent codec of the OTLP metrics messages, built with protobufjs from message
// definitions written out below (field numbers from opentelemetry-proto v1.9.0). It knows every
// field, including those the intake skips, so tests and the benchmark can encode any request a
// client could send and decode the intake's responses without going through the intake's own
// wire reader. 64-bit fields accept numbers, decimal strings or Long values.

import protobuf from 'protobufjs';

const keyValueFields = { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } };
const attributes = { rule: 'repeated', type: 'KeyValue', id: 7 };
const pointTimes = { startTimeUnixNano: { type: 'fixed64', id: 2 }, timeUnixNano: { type: 'fixed64', id: 3 } };

const DEFINITIONS = {
  nested: {
    AnyValue: {
      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
      fields: {
        stringValue: { type: 'string', id: 1 },
        boolValue: { type: 'bool', id: 2 },
        intValue: { type: 'int64', id: 3 },
        doubleValue: { type: 'double', id: 4 },
        arrayValue: { type: 'ArrayValue', id: 5 },
        kvlistValue: { type: 'KeyValueList', id: 6 },
        bytesValue: { type: 'bytes', id: 7 },
      },
    },
    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    KeyValue: { fields: keyValueFields },
    InstrumentationScope: {
      fields: {
        name: { type: 'string', id: 1 },
        version: { type: 'string', id: 2 },
        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
        droppedAttributesCount: { type: 'uint32', id: 4 },
      },
    },
    Resource: {
      fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 }, droppedAttributesCount: { type: 'uint32', id: 2 } },
    },
    ExportMetricsServiceRequest: { fields: { resourceMetrics: { rule: 'repeated', type: 'ResourceMetrics', id: 1 } } },
    ResourceMetrics: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeMetrics: { rule: 'repeated', type: 'ScopeMetrics', id: 2 },
        schemaUrl: { type: 'string', id: 3 },
      },
    },
    ScopeMetrics: {
      fields: {
        scope: { type: 'InstrumentationScope', id: 1 },
        metrics: { rule: 'repeated', type: 'Metric', id: 2 },
        schemaUrl: { type: 'string', id: 3 },
      },
    },
    Metric: {
      oneofs: { data: { oneof: ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] } },
      fields: {
        name: { type: 'string', id: 1 },
        description: { type: 'string', id: 2 },
        unit: { type: 'string', id: 3 },
        gauge: { type: 'Gauge', id: 5 },
        sum: { type: 'Sum', id: 7 },
        histogram: { type: 'Histogram', id: 9 },
        exponentialHistogram: { type: 'ExponentialHistogram', id: 10 },
        summary: { type: 'Summary', id: 11 },
        metadata: { rule: 'repeated', type: 'KeyValue', id: 12 },
      },
    },
    Gauge: { fields: { dataPoints: { rule: 'repeated', type: 'NumberDataPoint', id: 1 } } },
    Sum: {
      fields: {
        dataPoints: { rule: 'repeated', type: 'NumberDataPoint', id: 1 },
        aggregationTemporality: { type: 'int32', id: 2 },
        isMonotonic: { type: 'bool', id: 3 },
      },
    },
    Histogram: {
      fields: { dataPoints: { rule: 'repeated', type: 'HistogramDataPoint', id: 1 }, aggregationTemporality: { type: 'int32', id: 2 } },
    },
    ExponentialHistogram: {
      fields: { dataPoints: { rule: 'repeated', type: 'HistogramDataPoint', id: 1 }, aggregationTemporality: { type: 'int32', id: 2 } },
    },
    Summary: { fields: { dataPoints: { rule: 'repeated', type: 'HistogramDataPoint', id: 1 } } },
    // Only the fields shared by histogram-like points: the intake never reads their insides.
    HistogramDataPoint: { fields: { ...pointTimes, count: { type: 'fixed64', id: 4 }, attributes: { ...attributes, id: 9 } } },
    NumberDataPoint: {
      oneofs: { value: { oneof: ['asDouble', 'asInt'] } },
      fields: {
        attributes,
        ...pointTimes,
        asDouble: { type: 'double', id: 4 },
        asInt: { type: 'sfixed64', id: 6 },
        exemplars: { rule: 'repeated', type: 'Exemplar', id: 5 },
        flags: { type: 'uint32', id: 8 },
      },
    },
    Exemplar: {
      oneofs: { value: { oneof: ['asDouble', 'asInt'] } },
      fields: {
        filteredAttributes: { ...attributes },
        timeUnixNano: { type: 'fixed64', id: 2 },
        asDouble: { type: 'double', id: 3 },
        asInt: { type: 'sfixed64', id: 6 },
        spanId: { type: 'bytes', id: 4 },
        traceId: { type: 'bytes', id: 5 },
      },
    },
    ExportMetricsServiceResponse: { fields: { partialSuccess: { type: 'ExportMetricsPartialSuccess', id: 1 } } },
    ExportMetricsPartialSuccess: {
      fields: { rejectedDataPoints: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
    },
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } },
  },
};

export interface OtlpReferenceCodec {
  /** Encodes an ExportMetricsServiceRequest given in protobufjs object form (camelCase fields). */
  encodeRequest(request: object): Uint8Array;
  /** Decodes a binary ExportMetricsServiceRequest into protobufjs message objects (every field). */
  decodeRequest(bytes: Uint8Array): unknown;
  /** Decodes a binary ExportMetricsServiceResponse; 64-bit integers come back as strings. */
  decodeResponse(bytes: Uint8Array): { partialSuccess?: { rejectedDataPoints?: string; errorMessage?: string } };
  /** Decodes a binary google.rpc.Status. */
  decodeStatus(bytes: Uint8Array): { code?: number; message?: string };
}

export function createOtlpReferenceCodec(): OtlpReferenceCodec {
  const root = protobuf.Root.fromJSON(DEFINITIONS);
  const request = root.lookupType('ExportMetricsServiceRequest');
  const response = root.lookupType('ExportMetricsServiceResponse');
  const status = root.lookupType('Status');
  const toObject = { longs: String, defaults: false };
  return {
    encodeRequest: (value) => request.encode(request.fromObject(value)).finish(),
    decodeRequest: (bytes) => request.decode(bytes),
    decodeResponse: (bytes) => response.toObject(response.decode(bytes), toObject),
    decodeStatus: (bytes) => status.toObject(status.decode(bytes), toObject),
  };
}
