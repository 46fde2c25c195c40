// Lenient OTLP/JSON decoding of ExportMetricsServiceRequest into the MetricsRequest model:
// camelCase or snake_case keys, 64-bit integers as numbers or strings, enums as integers or
// names, unknown fields ignored, null as absent. Descriptions, units, schema URLs, metadata and
// exemplars are never read. A value of the wrong type is an OtlpDecodeError naming its path.

import { decodeJsonAttributes } from './decode-json-attributes.js';
import { OtlpDecodeError, type DecodeOptions } from './decode-error.js';
import {
  asArray,
  asBool,
  asDouble,
  asEnum,
  asInt64Number,
  asObject,
  asString,
  asUint32,
  asUint64,
  within,
  withItemBudget,
  wrongType,
} from './json-scalars.js';
import type { InstrumentationScope, KeyValue, Metric, MetricsRequest, NumberDataPoint, OtherData, ResourceMetrics, ScopeMetrics } from '../model/metrics-request.js';

const TEMPORALITY_NAMES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
] as const;

const OTHER_KINDS: Readonly<Record<string, OtherData['kind']>> = {
  gauge: 'gauge',
  histogram: 'histogram',
  exponentialHistogram: 'exponential_histogram',
  exponential_histogram: 'exponential_histogram',
  summary: 'summary',
  // Pre-0.9 OTLP (removed from the protocol in 2021): counted visibly as legacy_otlp, never decoded.
  intSum: 'legacy',
  int_sum: 'legacy',
  intGauge: 'legacy',
  int_gauge: 'legacy',
  intHistogram: 'legacy',
  int_histogram: 'legacy',
};

/** Decodes OTLP/JSON text; throws OtlpDecodeError for invalid JSON or wrongly typed values. */
export function decodeJsonMetricsRequest(text: string, options: DecodeOptions = {}): MetricsRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OtlpDecodeError('OTLP_JSON_MALFORMED', 'the body is not valid JSON');
  }
  const request = asObject(parsed, 'request');
  return withItemBudget(options.maxItems, () => {
    let resourceMetrics: ResourceMetrics[] = [];
    for (const name in request) {
      if (name === 'resourceMetrics' || name === 'resource_metrics') {
        resourceMetrics = asArray(request[name], name, decodeResourceMetrics);
      }
    }
    return { resourceMetrics };
  });
}

function decodeResourceMetrics(item: unknown): ResourceMetrics {
  const object = asObject(item, '');
  let resourceAttributes: KeyValue[] = [];
  let scopeMetrics: ScopeMetrics[] = [];
  let legacy: ScopeMetrics[] = [];
  for (const name in object) {
    const field = object[name];
    if (name === 'resource') {
      if (field !== null) resourceAttributes = attributesOf(field, name);
    } else if (name === 'scopeMetrics' || name === 'scope_metrics') {
      scopeMetrics = asArray(field, name, decodeScopeMetrics);
    } else if (name === 'instrumentationLibraryMetrics' || name === 'instrumentation_library_metrics') {
      legacy = asArray(field, name, decodeScopeMetrics);
    }
  }
  // OTLP before 0.15 (and senders kept on it) named scopes "instrumentation library"; like the Go
  // collector, they are read as scopes when the request carries no scopes of the new name.
  return { resourceAttributes, scopeMetrics: scopeMetrics.length === 0 ? legacy : scopeMetrics };
}

/** The attributes of a Resource or a Scope object; its other fields are not read. */
function attributesOf(field: unknown, path: string): KeyValue[] {
  const object = asObject(field, path);
  return decodeJsonAttributes(object['attributes'], `${path}.attributes`);
}

function decodeScopeMetrics(item: unknown): ScopeMetrics {
  const object = asObject(item, '');
  let scope: InstrumentationScope = { name: '', version: '', attributes: [] };
  let metrics: Metric[] = [];
  for (const name in object) {
    const field = object[name];
    if (name === 'scope' || name === 'instrumentationLibrary' || name === 'instrumentation_library') {
      if (field !== null) scope = decodeScope(field);
    } else if (name === 'metrics') {
      metrics = asArray(field, name, decodeMetric);
    }
  }
  return { scope, metrics };
}

function decodeScope(field: unknown): InstrumentationScope {
  const object = asObject(field, 'scope');
  const name = object['name'];
  const version = object['version'];
  return {
    name: name === undefined || name === null ? '' : asString(name, 'scope.name'),
    version: version === undefined || version === null ? '' : asString(version, 'scope.version'),
    attributes: attributesOf(object, 'scope'),
  };
}

function decodeMetric(item: unknown): Metric {
  const object = asObject(item, '');
  let metricName = '';
  let data: Metric['data'] = { kind: 'none', dataPointCount: 0 };
  for (const name in object) {
    const field = object[name];
    if (field === null) continue;
    if (name === 'name') metricName = asString(field, name);
    else if (name === 'sum') data = decodeSum(field);
    else {
      const other = OTHER_KINDS[name];
      if (other !== undefined) data = { kind: other, dataPointCount: countPoints(field, name) };
    }
  }
  return { name: metricName, data };
}

function decodeSum(field: unknown): Metric['data'] {
  const object = asObject(field, 'sum');
  let dataPoints: NumberDataPoint[] = [];
  let aggregationTemporality = 0;
  let isMonotonic = false;
  try {
    for (const name in object) {
      const value = object[name];
      if (value === null) continue;
      if (name === 'dataPoints' || name === 'data_points') dataPoints = asArray(value, name, decodeNumberDataPoint);
      else if (name === 'aggregationTemporality' || name === 'aggregation_temporality') {
        aggregationTemporality = asEnum(value, name, TEMPORALITY_NAMES);
      } else if (name === 'isMonotonic' || name === 'is_monotonic') isMonotonic = asBool(value, name);
    }
  } catch (error) {
    throw within(error, 'sum');
  }
  return { kind: 'sum', aggregationTemporality, isMonotonic, dataPoints };
}

/** A gauge, histogram or summary: only its number of data points is kept. */
function countPoints(field: unknown, path: string): number {
  const object = asObject(field, path);
  const points = object['dataPoints'] ?? object['data_points'];
  if (points === undefined || points === null) return 0;
  if (!Array.isArray(points)) throw wrongType(`${path}.dataPoints`, 'an array');
  return points.length;
}

function decodeNumberDataPoint(item: unknown): NumberDataPoint {
  const object = asObject(item, '');
  let attributes: KeyValue[] = [];
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let value: number | undefined;
  let flags = 0;
  for (const name in object) {
    const field = object[name];
    if (field === null) continue;
    switch (name) {
      case 'attributes':
        attributes = decodeJsonAttributes(field, name);
        break;
      case 'startTimeUnixNano':
      case 'start_time_unix_nano':
        startTimeUnixNano = asUint64(field, name);
        break;
      case 'timeUnixNano':
      case 'time_unix_nano':
        timeUnixNano = asUint64(field, name);
        break;
      case 'asInt':
      case 'as_int':
        value = asInt64Number(field, name);
        break;
      case 'asDouble':
      case 'as_double':
        value = asDouble(field, name);
        break;
      case 'flags':
        flags = asUint32(field, name);
        break;
      default: // exemplars and unknown fields are ignored
    }
  }
  return { attributes, startTimeUnixNano, timeUnixNano, value, flags };
}
