// The privacy filter: a pure function from a decoded request to the few facts later stages may
// see — report key, temporality, times, value, version, stack id and an opaque stream key. No
// attribute value, scope, resource or metric name outside the catalog gets past this function.
// Invalid points are rejected (they go back to the client as partial_success); valid points we do
// not want (other metrics, other kinds, NO_RECORDED_VALUE) are dropped. Both are counted by reason.

import { reportKeyOf } from '@lunadefend/config';
import { FLAG_NO_RECORDED_VALUE, type MetricsRequest, type NumberDataPoint } from '../model/metrics-request.js';
import { TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA, type FilteredPoint, type StreamKey } from '../model/points.js';
import { createTally, type DropReason, type ReasonTally, type RejectReason } from '../model/reasons.js';
import { readIdentity } from './identity.js';
import type { MetricKeyContext, StreamKeyer } from './stream-key.js';

export interface FilterResult {
  readonly points: FilteredPoint[];
  /** The request's tally, holding what this filter (and any stage before it) recorded. */
  readonly rejected: ReadonlyMap<RejectReason, number>;
  readonly dropped: ReadonlyMap<DropReason, number>;
}

const MAX_TIME_NS = 2n ** 63n - 1n; // the state file stores times as signed 64-bit integers

/** Records every rejected and dropped point in `tally` (the request's, shared with later stages). */
export function filterRequest(request: MetricsRequest, keyer: StreamKeyer, defaultStackId: string, tally: ReasonTally = createTally()): FilterResult {
  const points: FilteredPoint[] = [];
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
          tally.drop('legacy_otlp', count);
          continue;
        }
        const reportKey = reportKeyOf(metric.name);
        if (reportKey === undefined) {
          tally.drop('not_in_catalog', count);
          continue;
        }
        if (data.kind !== 'sum' || !data.isMonotonic) {
          tally.drop('not_monotonic_sum', count);
          continue;
        }
        for (const point of data.dataPoints) {
          if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) {
            tally.drop('no_recorded_value');
            continue;
          }
          const invalid = checkPoint(point, data.aggregationTemporality);
          if (invalid !== undefined) {
            tally.reject(invalid);
            continue;
          }
          if (!identity.ok) {
            tally.reject(identity.reason);
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
  return { points, rejected: tally.rejected, dropped: tally.dropped };
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
