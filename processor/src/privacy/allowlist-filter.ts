// The privacy filter: a pure function from a decoded request to the few facts later stages may
// see — report key, temporality, times, value, version, stack id and an opaque stream key. No
// attribute value, scope, resource or metric name outside the catalog gets past this function.
// Invalid points are rejected (they go back to the client as partial_success); valid points we do
// not want (other metrics, other kinds, NO_RECORDED_VALUE) are dropped. Both are counted by reason.

import { reportKeyOf, type ReportKey } from '@lunadefend/config';
import { FLAG_NO_RECORDED_VALUE, type MetricsRequest, type NumberDataPoint } from '../otlp/model.js';
import { readIdentity } from './identity.js';
import type { MetricKeyContext, StreamKey, StreamKeyer } from './stream-key.js';

export const TEMPORALITY_DELTA = 1;
export const TEMPORALITY_CUMULATIVE = 2;

/** Why a point was refused back to the client (partial_success); docs/errors.md lists each. */
export const REJECT_REASONS = [
  'no_value',
  'not_finite',
  'non_integer',
  'negative_value',
  'missing_time',
  'unspecified_temporality',
  'missing_version',
  'invalid_version',
  'invalid_stack_id',
  'stream_limit',
  'producer_stream_limit',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Why a valid point was left out without telling the client; docs/errors.md lists each. */
export const DROP_REASONS = ['not_in_catalog', 'not_monotonic_sum', 'no_recorded_value', 'out_of_order', 'conflict', 'legacy_otlp', 'telemetry_off'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface FilteredPoint {
  readonly reportKey: ReportKey;
  readonly temporality: typeof TEMPORALITY_DELTA | typeof TEMPORALITY_CUMULATIVE;
  /** Present for cumulative points only: they are the ones whose history matters. */
  readonly streamKey: StreamKey | undefined;
  /** Present with streamKey: a keyed hash of the resource attributes (the producer's share of stream state). */
  readonly producerKey: StreamKey | undefined;
  readonly startNs: bigint;
  readonly timeNs: bigint;
  readonly value: number;
  readonly version: string;
  readonly stackId: string;
}

export interface FilterResult {
  readonly points: FilteredPoint[];
  readonly rejected: Map<RejectReason, number>;
  readonly dropped: Map<DropReason, number>;
}

const MAX_TIME_NS = 2n ** 63n - 1n; // the state file stores times as signed 64-bit integers

export function bump<K>(counts: Map<K, number>, key: K, n = 1): void {
  if (n > 0) counts.set(key, (counts.get(key) ?? 0) + n);
}

export function filterRequest(request: MetricsRequest, keyer: StreamKeyer, defaultStackId: string): FilterResult {
  const points: FilteredPoint[] = [];
  const rejected = new Map<RejectReason, number>();
  const dropped = new Map<DropReason, number>();
  for (const rm of request.resourceMetrics) {
    const identity = readIdentity(rm.resourceAttributes, defaultStackId);
    let resourceText: string | undefined;
    let producerKey: StreamKey | undefined;
    for (const sm of rm.scopeMetrics) {
      let scopeText: string | undefined;
      for (const metric of sm.metrics) {
        let keys: MetricKeyContext | undefined;
        const data = metric.data;
        const count = data.kind === 'sum' ? data.dataPoints.length : data.dataPointCount;
        if (data.kind === 'legacy') {
          bump(dropped, 'legacy_otlp', count);
          continue;
        }
        const reportKey = reportKeyOf(metric.name);
        if (reportKey === undefined) {
          bump(dropped, 'not_in_catalog', count);
          continue;
        }
        if (data.kind !== 'sum' || !data.isMonotonic) {
          bump(dropped, 'not_monotonic_sum', count);
          continue;
        }
        for (const point of data.dataPoints) {
          if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) {
            bump(dropped, 'no_recorded_value');
            continue;
          }
          const invalid = checkPoint(point, data.aggregationTemporality);
          if (invalid !== undefined) {
            bump(rejected, invalid);
            continue;
          }
          if (!identity.ok) {
            bump(rejected, identity.reason);
            continue;
          }
          const cumulative = data.aggregationTemporality === TEMPORALITY_CUMULATIVE;
          let streamKey: StreamKey | undefined;
          if (cumulative) {
            resourceText ??= keyer.canonicalResource(rm.resourceAttributes);
            producerKey ??= keyer.metric(resourceText, '', '').key([], 0n);
            scopeText ??= keyer.canonicalScope(sm.scope);
            keys ??= keyer.metric(resourceText, scopeText, metric.name);
            streamKey = keys.key(point.attributes, point.startTimeUnixNano);
          }
          points.push({
            reportKey,
            temporality: cumulative ? TEMPORALITY_CUMULATIVE : TEMPORALITY_DELTA,
            streamKey,
            producerKey: cumulative ? producerKey : undefined,
            startNs: point.startTimeUnixNano,
            timeNs: point.timeUnixNano,
            value: point.value as number,
            version: identity.version,
            stackId: identity.stackId,
          });
        }
      }
    }
  }
  return { points, rejected, dropped };
}

function checkPoint(point: NumberDataPoint, temporality: number): RejectReason | undefined {
  if (temporality !== TEMPORALITY_DELTA && temporality !== TEMPORALITY_CUMULATIVE) return 'unspecified_temporality';
  if (point.timeUnixNano === 0n || point.timeUnixNano > MAX_TIME_NS || point.startTimeUnixNano > MAX_TIME_NS) return 'missing_time';
  const value = point.value;
  if (value === undefined) return 'no_value';
  if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return 'not_finite';
  if (value < 0) return 'negative_value';
  if (!Number.isInteger(value)) return 'non_integer';
  return undefined;
}
