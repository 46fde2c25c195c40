// The decoded form of an OTLP ExportMetricsServiceRequest, the same for protobuf and JSON input.
// It holds only what later stages need: the stream identity (resource and scope identity, metric
// name, point attributes, start time) and the points. Descriptions, units, schema URLs, metadata
// and exemplars (filtered attributes, trace and span ids) are never materialised, so they cannot
// reach state, logs or the network. Gauges, histograms and summaries are kept only as a count of
// their points, which the privacy filter drops and counts.

/** An OTLP AnyValue. Integers are bigint; bytes are Uint8Array. */
export type AnyValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'array'; readonly values: readonly AnyValue[] }
  | { readonly kind: 'kvlist'; readonly values: readonly KeyValue[] }
  | { readonly kind: 'empty' };

export interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}

/** AggregationTemporality as on the wire: 0 unspecified, 1 delta, 2 cumulative. */
export type Temporality = 0 | 1 | 2 | number;

/** DataPointFlags bit 0. */
export const FLAG_NO_RECORDED_VALUE = 1;

export interface NumberDataPoint {
  readonly attributes: readonly KeyValue[];
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
  /**
   * The value as a number; undefined when the point carries neither as_int nor as_double.
   * An as_int outside ±(2^53 − 1) is NaN so that the filter rejects it instead of rounding.
   */
  readonly value: number | undefined;
  readonly flags: number;
}

export interface SumData {
  readonly kind: 'sum';
  readonly aggregationTemporality: Temporality;
  readonly isMonotonic: boolean;
  readonly dataPoints: readonly NumberDataPoint[];
}

/** Any other data kind, or none: only the number of points is kept. */
export interface OtherData {
  /** 'legacy': a pre-0.9 OTLP int kind (IntSum, IntGauge, IntHistogram), counted, never decoded. */
  readonly kind: 'gauge' | 'histogram' | 'exponential_histogram' | 'summary' | 'legacy' | 'none';
  readonly dataPointCount: number;
}

export interface Metric {
  readonly name: string;
  readonly data: SumData | OtherData;
}

export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: readonly KeyValue[];
}

export interface ScopeMetrics {
  readonly scope: InstrumentationScope;
  readonly metrics: readonly Metric[];
}

export interface ResourceMetrics {
  readonly resourceAttributes: readonly KeyValue[];
  readonly scopeMetrics: readonly ScopeMetrics[];
}

export interface MetricsRequest {
  readonly resourceMetrics: readonly ResourceMetrics[];
}

/** Number of data points of every kind in a request (for partial_success accounting). */
export function countDataPoints(request: MetricsRequest): number {
  let n = 0;
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) n += m.data.kind === 'sum' ? m.data.dataPoints.length : m.data.dataPointCount;
    }
  }
  return n;
}
