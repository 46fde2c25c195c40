// Protobuf decoding of ExportMetricsServiceRequest into the MetricsRequest model, straight from
// the wire: only the fields later stages need are read. Descriptions, units, schema URLs,
// metadata and exemplars are skipped as raw bytes and never become strings or objects.
// Field numbers: opentelemetry/proto/{collector/metrics,metrics,resource,common}/v1/*.proto.

import { decodeKeyValue } from './decode-protobuf-attributes.js';
import { OtlpDecodeError, type DecodeOptions } from './decode-error.js';
import type {
  InstrumentationScope,
  KeyValue,
  Metric,
  MetricsRequest,
  NumberDataPoint,
  OtherData,
  ResourceMetrics,
  ScopeMetrics,
} from '../model/metrics-request.js';
import { WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, WireReader } from './wire-reader.js';

const tag = (field: number, wire: number): number => (field << 3) | wire;

const REQUEST_RESOURCE_METRICS = tag(1, WIRE_LEN);
const RM_RESOURCE = tag(1, WIRE_LEN);
const RM_SCOPE_METRICS = tag(2, WIRE_LEN);
/** OTLP 0.15–0.18 `instrumentation_library_metrics`: the same layout as ScopeMetrics (library = scope). */
const RM_LEGACY_LIBRARY_METRICS = tag(1000, WIRE_LEN);
const RESOURCE_ATTRIBUTES = tag(1, WIRE_LEN);
const SM_SCOPE = tag(1, WIRE_LEN);
const SM_METRICS = tag(2, WIRE_LEN);
const SCOPE_NAME = tag(1, WIRE_LEN);
const SCOPE_VERSION = tag(2, WIRE_LEN);
const SCOPE_ATTRIBUTES = tag(3, WIRE_LEN);
const METRIC_NAME = tag(1, WIRE_LEN);
const METRIC_LEGACY_INT_GAUGE = tag(4, WIRE_LEN); // pre-0.9 IntGauge, IntSum, IntHistogram
const METRIC_LEGACY_INT_SUM = tag(6, WIRE_LEN);
const METRIC_LEGACY_INT_HISTOGRAM = tag(8, WIRE_LEN);
const METRIC_GAUGE = tag(5, WIRE_LEN);
const METRIC_SUM = tag(7, WIRE_LEN);
const METRIC_HISTOGRAM = tag(9, WIRE_LEN);
const METRIC_EXP_HISTOGRAM = tag(10, WIRE_LEN);
const METRIC_SUMMARY = tag(11, WIRE_LEN);
const DATA_POINTS = tag(1, WIRE_LEN); // field 1 in Sum, Gauge, Histogram, ExponentialHistogram, Summary
const SUM_TEMPORALITY = tag(2, WIRE_VARINT);
const SUM_MONOTONIC = tag(3, WIRE_VARINT);
const POINT_START = tag(2, WIRE_FIXED64);
const POINT_TIME = tag(3, WIRE_FIXED64);
const POINT_AS_DOUBLE = tag(4, WIRE_FIXED64);
const POINT_AS_INT = tag(6, WIRE_FIXED64);
const POINT_ATTRIBUTES = tag(7, WIRE_LEN);
const POINT_FLAGS = tag(8, WIRE_VARINT);

const OTHER_KINDS = new Map<number, OtherData['kind']>([
  [METRIC_GAUGE, 'gauge'],
  [METRIC_HISTOGRAM, 'histogram'],
  [METRIC_EXP_HISTOGRAM, 'exponential_histogram'],
  [METRIC_SUMMARY, 'summary'],
  [METRIC_LEGACY_INT_GAUGE, 'legacy'],
  [METRIC_LEGACY_INT_SUM, 'legacy'],
  [METRIC_LEGACY_INT_HISTOGRAM, 'legacy'],
]);

/** Decodes a binary ExportMetricsServiceRequest; throws OtlpDecodeError on malformed input. */
export function decodeProtobufMetricsRequest(bytes: Uint8Array, options: DecodeOptions = {}): MetricsRequest {
  const r = new WireReader(bytes, options.maxItems);
  const end = r.length;
  const resourceMetrics: ResourceMetrics[] = [];
  try {
    while (r.pos < end) {
      const t = r.varint32();
      if (t === REQUEST_RESOURCE_METRICS) resourceMetrics.push(decodeResourceMetrics(r, r.lengthEnd(end)));
      else r.skip(t, end);
    }
    r.expectEnd(end);
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    // Buffer reads guard their own bounds; anything they throw still means a malformed body.
    throw new OtlpDecodeError('OTLP_PROTOBUF_MALFORMED', `invalid protobuf at byte ${r.pos}`);
  }
  return { resourceMetrics };
}

function decodeResourceMetrics(r: WireReader, end: number): ResourceMetrics {
  r.budget.spend();
  // A singular message field seen twice is merged (repeated fields appended), per protobuf.
  const resourceAttributes: KeyValue[] = [];
  const scopeMetrics: ScopeMetrics[] = [];
  const legacy: ScopeMetrics[] = [];
  while (r.pos < end) {
    const t = r.varint32();
    if (t === RM_SCOPE_METRICS) scopeMetrics.push(decodeScopeMetrics(r, r.lengthEnd(end)));
    else if (t === RM_LEGACY_LIBRARY_METRICS) legacy.push(decodeScopeMetrics(r, r.lengthEnd(end)));
    else if (t === RM_RESOURCE) decodeAttributesOnly(r, r.lengthEnd(end), RESOURCE_ATTRIBUTES, resourceAttributes);
    else r.skip(t, end);
  }
  r.expectEnd(end);
  // Like the Go collector: the deprecated field is read as scopes when no scopes of the new name came.
  return { resourceAttributes, scopeMetrics: scopeMetrics.length === 0 ? legacy : scopeMetrics };
}

function decodeAttributesOnly(r: WireReader, end: number, attributesTag: number, into: KeyValue[]): void {
  while (r.pos < end) {
    const t = r.varint32();
    if (t === attributesTag) decodeKeyValue(r, r.lengthEnd(end), into);
    else r.skip(t, end);
  }
  r.expectEnd(end);
}

function decodeScopeMetrics(r: WireReader, end: number): ScopeMetrics {
  r.budget.spend();
  let scope: InstrumentationScope = { name: '', version: '', attributes: [] };
  const metrics: Metric[] = [];
  while (r.pos < end) {
    const t = r.varint32();
    if (t === SM_METRICS) metrics.push(decodeMetric(r, r.lengthEnd(end)));
    else if (t === SM_SCOPE) scope = decodeScope(r, r.lengthEnd(end), scope);
    else r.skip(t, end);
  }
  r.expectEnd(end);
  return { scope, metrics };
}

function decodeScope(r: WireReader, end: number, previous: InstrumentationScope): InstrumentationScope {
  let { name, version } = previous;
  const attributes = [...previous.attributes];
  while (r.pos < end) {
    const t = r.varint32();
    if (t === SCOPE_NAME) name = r.string(end);
    else if (t === SCOPE_VERSION) version = r.string(end);
    else if (t === SCOPE_ATTRIBUTES) decodeKeyValue(r, r.lengthEnd(end), attributes);
    else r.skip(t, end);
  }
  r.expectEnd(end);
  return { name, version, attributes };
}

function decodeMetric(r: WireReader, end: number): Metric {
  r.budget.spend();
  let name = '';
  let data: Metric['data'] = { kind: 'none', dataPointCount: 0 };
  while (r.pos < end) {
    const t = r.varint32();
    if (t === METRIC_NAME) {
      name = r.string(end);
      continue;
    }
    const other = OTHER_KINDS.get(t);
    if (t === METRIC_SUM) data = decodeSum(r, r.lengthEnd(end), data.kind === 'sum' ? data : undefined);
    else if (other !== undefined) {
      const count = countDataPoints(r, r.lengthEnd(end));
      data = { kind: other, dataPointCount: count + (data.kind === other ? data.dataPointCount : 0) };
    } else r.skip(t, end);
  }
  r.expectEnd(end);
  return { name, data };
}

function decodeSum(r: WireReader, end: number, previous: (Metric['data'] & { kind: 'sum' }) | undefined): Metric['data'] {
  const dataPoints: NumberDataPoint[] = previous === undefined ? [] : [...previous.dataPoints];
  let aggregationTemporality = previous?.aggregationTemporality ?? 0;
  let isMonotonic = previous?.isMonotonic ?? false;
  while (r.pos < end) {
    const t = r.varint32();
    if (t === DATA_POINTS) dataPoints.push(decodeNumberDataPoint(r, r.lengthEnd(end)));
    else if (t === SUM_TEMPORALITY) aggregationTemporality = r.varint32() | 0; // an int32 enum
    else if (t === SUM_MONOTONIC) isMonotonic = r.varint32() !== 0;
    else r.skip(t, end);
  }
  r.expectEnd(end);
  return { kind: 'sum', aggregationTemporality, isMonotonic, dataPoints };
}

function decodeNumberDataPoint(r: WireReader, end: number): NumberDataPoint {
  r.budget.spend();
  const attributes: KeyValue[] = [];
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let value: number | undefined;
  let flags = 0;
  while (r.pos < end) {
    const t = r.varint32();
    switch (t) {
      case POINT_ATTRIBUTES:
        decodeKeyValue(r, r.lengthEnd(end), attributes);
        break;
      case POINT_START:
        startTimeUnixNano = r.fixed64Unsigned();
        break;
      case POINT_TIME:
        timeUnixNano = r.fixed64Unsigned();
        break;
      case POINT_AS_INT:
        value = r.sfixed64Number();
        break;
      case POINT_AS_DOUBLE:
        value = r.double();
        break;
      case POINT_FLAGS:
        flags = r.varint32();
        break;
      default:
        r.skip(t, end); // exemplars (5) included
    }
  }
  r.expectEnd(end);
  return { attributes, startTimeUnixNano, timeUnixNano, value, flags };
}

/** Counts the data points of a gauge, histogram or summary without decoding them. */
function countDataPoints(r: WireReader, end: number): number {
  let count = 0;
  while (r.pos < end) {
    const t = r.varint32();
    if (t === DATA_POINTS) count++;
    r.skip(t, end);
  }
  r.expectEnd(end);
  return count;
}
