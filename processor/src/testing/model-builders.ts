// Builders of decoded OTLP requests (the model the intake produces), for feeding the pipeline
// directly in tests.

import type { AnyValue, KeyValue, MetricsRequest, NumberDataPoint, ResourceMetrics } from '../model/metrics-request.js';

export const str = (key: string, value: string): KeyValue => ({ key, value: { kind: 'string', value } });
export const any = (key: string, value: AnyValue): KeyValue => ({ key, value });

export const NS_PER_MS = 1_000_000n;
export const ns = (ms: number): bigint => BigInt(ms) * NS_PER_MS;

export interface PointSpec {
  readonly value: number | undefined;
  readonly startMs?: number;
  readonly timeMs: number;
  readonly attributes?: readonly KeyValue[];
  readonly flags?: number;
}

export function point(spec: PointSpec): NumberDataPoint {
  return {
    attributes: spec.attributes ?? [],
    startTimeUnixNano: spec.startMs === undefined ? 0n : ns(spec.startMs),
    timeUnixNano: ns(spec.timeMs),
    value: spec.value,
    flags: spec.flags ?? 0,
  };
}

export interface SumSpec {
  readonly name: string;
  readonly temporality?: number;
  readonly monotonic?: boolean;
  readonly points: readonly NumberDataPoint[];
}

export interface ResourceSpec {
  readonly version?: string | undefined;
  readonly stackId?: string | undefined;
  readonly attributes?: readonly KeyValue[];
  readonly scope?: { name: string; version: string; attributes: readonly KeyValue[] };
  readonly sums: readonly SumSpec[];
}

export function resource(spec: ResourceSpec): ResourceMetrics {
  const attributes: KeyValue[] = [...(spec.attributes ?? [])];
  if (spec.version !== undefined) attributes.push(str('service.version', spec.version));
  if (spec.stackId !== undefined) attributes.push(str('lunadefend.stack_id', spec.stackId));
  return {
    resourceAttributes: attributes,
    scopeMetrics: [
      {
        scope: spec.scope ?? { name: '@lunadefend/metrics', version: '0.1.0', attributes: [] },
        metrics: spec.sums.map((sum) => ({
          name: sum.name,
          data: { kind: 'sum', aggregationTemporality: sum.temporality ?? 2, isMonotonic: sum.monotonic ?? true, dataPoints: sum.points },
        })),
      },
    ],
  };
}

export function request(...resources: ResourceMetrics[]): MetricsRequest {
  return { resourceMetrics: resources };
}

/** One cumulative (default) or delta point of one catalog metric. */
export function single(options: {
  name?: string;
  version?: string;
  stackId?: string;
  value: number;
  startMs?: number;
  timeMs: number;
  temporality?: number;
  attributes?: readonly KeyValue[];
  resourceAttributes?: readonly KeyValue[];
}): MetricsRequest {
  return request(
    resource({
      version: options.version ?? '1.4.2',
      stackId: options.stackId,
      attributes: options.resourceAttributes ?? [],
      sums: [
        {
          name: options.name ?? 'lunadefend.tokenize.success',
          temporality: options.temporality ?? 2,
          points: [point({ value: options.value, startMs: options.startMs, timeMs: options.timeMs, attributes: options.attributes ?? [] })],
        },
      ],
    }),
  );
}
